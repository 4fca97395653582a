from django.db import migrations, models

# DSW distanced itself from the Good Contracting Practices (2016): found by its name or slug.


def dsw_not_party(apps, schema_editor):
    Insurer = apps.get_model("insurers", "Insurer")
    Insurer.objects.filter(models.Q(name__iexact="DSW") | models.Q(slug="dsw")).update(gcp_party=False)


def undo(apps, schema_editor):
    pass  # the column goes with the reversed AddField


class Migration(migrations.Migration):

    dependencies = [
        ('insurers', '0003_policyversion_changes'),
    ]

    operations = [
        migrations.AddField(
            model_name='insurer',
            name='gcp_party',
            field=models.BooleanField(default=True, help_text='Uit: de zorgverzekeraar heeft de GCP niet onderschreven (zoals DSW); het GCP-scorebord toetst hem er dan niet aan.', verbose_name='partij bij Goede contracteerpraktijken'),
        ),
        migrations.RunPython(dsw_not_party, undo),
    ]
