import django.db.models.deletion
from django.db import migrations, models


def record_policy_in_force(apps, schema_editor):
    """Signatures made before the version was recorded get the version that was in force when they were
    signed: the insurer's latest version for the year published at or before the signing moment. Their frozen
    content (and its hash) stays as it was."""
    Signature = apps.get_model("contracting", "Signature")
    PolicyVersion = apps.get_model("insurers", "PolicyVersion")
    for signature in Signature.objects.filter(policy_version__isnull=True).select_related("offer").iterator():
        version = (PolicyVersion.objects
                   .filter(policy__insurer_id=signature.offer.insurer_id, policy__year=signature.offer.year,
                           published_at__lte=signature.signed_at)
                   .order_by("-number").first())
        if version is not None:
            Signature.objects.filter(pk=signature.pk).update(policy_version=version)


class Migration(migrations.Migration):

    dependencies = [
        ('contracting', '0006_follow_decisions_before_new_year_and_clocks'),
        ('insurers', '0003_policyversion_changes'),
    ]

    operations = [
        migrations.AddField(
            model_name='signature',
            name='policy_version',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='insurers.policyversion', verbose_name='inkoopbeleid bij ondertekening'),
        ),
        migrations.RunPython(record_policy_in_force, migrations.RunPython.noop),
    ]
