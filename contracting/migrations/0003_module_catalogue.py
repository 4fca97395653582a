from django.db import migrations


def load(apps, schema_editor):
    from contracting.catalogue_data import MODULES

    Module = apps.get_model("contracting", "Module")
    for order, (code, name, segment, category, unit, has_max, cap, description) in enumerate(MODULES):
        values = dict(name=name, segment=segment, category=category, unit=unit, has_nza_max=has_max,
                      description=description, sort_order=order * 10)
        if cap:
            rule, cap_max, cap_min, patients = cap
            values.update(cap_rule=rule, cap_hours_max=cap_max, cap_hours_min=cap_min, cap_patients=patients)
        Module.objects.update_or_create(code=code, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("contracting", "0002_module_alter_milestone_kind_offer_question_signature_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
