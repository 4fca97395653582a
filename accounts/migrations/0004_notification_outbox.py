import django.utils.timezone
from django.db import migrations, models


def unsent_become_due(apps, schema_editor):
    Notification = apps.get_model("accounts", "Notification")
    Notification.objects.filter(emailed_at__isnull=True).update(email_next_attempt_at=models.F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_api_token'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='body_msgid',
            field=models.TextField(blank=True, verbose_name='bericht (brontekst)'),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_attempts',
            field=models.PositiveIntegerField(default=0, verbose_name='verzendpogingen'),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_claimed_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='in verzending tot'),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_last_error',
            field=models.TextField(blank=True, verbose_name='laatste verzendfout'),
        ),
        # Added empty (no table rewrite), then only the notices never e-mailed become due: with the old
        # fire-once task a mail lost to a broker outage stayed unsent; the outbox sends it now.
        migrations.AddField(
            model_name='notification',
            name='email_next_attempt_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='volgende verzendpoging'),
        ),
        migrations.RunPython(unsent_become_due, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='notification',
            name='email_next_attempt_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='volgende verzendpoging'),
        ),
        migrations.AddField(
            model_name='notification',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='gegevens in de tekst'),
        ),
        migrations.AddField(
            model_name='notification',
            name='subject_msgid',
            field=models.CharField(blank=True, max_length=200, verbose_name='onderwerp (brontekst)'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('emailed_at__isnull', True)), fields=['email_next_attempt_at', 'id'], name='notification_mail_due'),
        ),
    ]
