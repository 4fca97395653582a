# Care-group negotiation: the thread (never changed), its PDF attachments, the keten patient reports.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contracting', '0013_caregroup_catalogue'),
        ('insurers', '0003_policyversion_changes'),
        ('providers', '0002_practice_name_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Negotiation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='contractjaar')),
                ('status', models.CharField(choices=[('open', 'In onderhandeling'), ('agreed', 'Overeengekomen; wacht op ondertekening'), ('signed', 'Ondertekend'), ('expired', 'Gesloten zonder akkoord')], default='open', max_length=20, verbose_name='status')),
                ('created_at', models.DateTimeField(verbose_name='begonnen op')),
                ('first_offer_at', models.DateTimeField(blank=True, null=True, verbose_name='eerste aanbod op')),
                ('agreed_at', models.DateTimeField(blank=True, null=True, verbose_name='overeengekomen op')),
                ('care_group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='negotiations', to='providers.caregroup', verbose_name='samenwerkingsverband')),
                ('insurer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='negotiations', to='insurers.insurer', verbose_name='zorgverzekeraar')),
                ('offer', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='negotiation', to='contracting.offer', verbose_name='contract')),
            ],
            options={
                'verbose_name': 'onderhandeling samenwerkingsverband',
                'verbose_name_plural': 'onderhandelingen samenwerkingsverbanden',
                'ordering': ['-year', 'care_group__name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='NegotiationStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='stap')),
                ('kind', models.CharField(choices=[('submission', 'Begroting en werkplan ingediend'), ('offer', 'Aanbod van de verzekeraar'), ('counter', 'Tegenvoorstel'), ('acceptance', 'Akkoord')], max_length=20, verbose_name='soort')),
                ('side', models.CharField(choices=[('care_group', 'Samenwerkingsverband'), ('insurer', 'Zorgverzekeraar')], max_length=20, verbose_name='partij')),
                ('at', models.DateTimeField(verbose_name='op')),
                ('terms', models.JSONField(verbose_name='voorwaarden')),
                ('note', models.TextField(blank=True, verbose_name='toelichting')),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='door')),
                ('negotiation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='steps', to='contracting.negotiation', verbose_name='onderhandeling')),
            ],
            options={
                'verbose_name': 'onderhandelingsstap',
                'verbose_name_plural': 'onderhandelingsstappen',
                'ordering': ['negotiation', 'number'],
            },
        ),
        migrations.CreateModel(
            name='StepAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('begroting', 'Begroting'), ('werkplan', 'Werkplan'), ('bijlage', 'Bijlage')], max_length=20, verbose_name='soort')),
                ('file', models.FileField(upload_to='onderhandeling/%Y/', verbose_name='bestand')),
                ('name', models.CharField(max_length=200, verbose_name='bestandsnaam')),
                ('size', models.PositiveIntegerField(verbose_name='grootte (bytes)')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('step', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='contracting.negotiationstep', verbose_name='stap')),
            ],
            options={
                'verbose_name': 'bijlage bij onderhandelingsstap',
                'verbose_name_plural': 'bijlagen bij onderhandelingsstappen',
                'ordering': ['step', 'kind', 'id'],
            },
        ),
        migrations.CreateModel(
            name='KetenPatientReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('quarter', models.PositiveSmallIntegerField(verbose_name='kwartaal')),
                ('patients', models.PositiveIntegerField(verbose_name='patiënten in de keten')),
                ('population', models.PositiveIntegerField(verbose_name='populatie van het samenwerkingsverband')),
                ('reported_at', models.DateTimeField(verbose_name='gemeld op')),
                ('module', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contracting.module', verbose_name='zorgprogramma')),
                ('offer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='keten_reports', to='contracting.offer', verbose_name='contract')),
                ('reported_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gemeld door')),
            ],
            options={
                'verbose_name': 'melding patiënten in de keten',
                'verbose_name_plural': 'meldingen patiënten in de keten',
                'ordering': ['offer', 'module', 'quarter'],
                'constraints': [models.UniqueConstraint(fields=('offer', 'module', 'quarter'), name='keten_report_once_per_quarter'), models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='keten_report_quarter')],
            },
        ),
        migrations.AddIndex(
            model_name='negotiation',
            index=models.Index(fields=['insurer', 'year', 'status'], name='negotiation_insurer_year'),
        ),
        migrations.AddConstraint(
            model_name='negotiation',
            constraint=models.UniqueConstraint(fields=('insurer', 'care_group', 'year'), name='negotiation_once_per_year'),
        ),
        migrations.AddConstraint(
            model_name='negotiationstep',
            constraint=models.UniqueConstraint(fields=('negotiation', 'number'), name='negotiation_step_once'),
        ),
    ]
