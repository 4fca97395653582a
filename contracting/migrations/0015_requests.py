"""Questions become requests of kind question; the other kinds, their thread, attachments and the published
innovation criteria."""

import contracting.models.requests
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models



# The clock and effect names of questions before they became requests of kind "question".
OLD_CLOCK, OLD_EFFECT = "contracting.question.answer", "contracting.question.overdue"
NEW_CLOCK, NEW_EFFECT = "contracting.request.reaction", "contracting.request.overdue"


def questions_to_requests(apps, schema_editor):
    """Every question becomes a request of kind question between its offer's holder and insurer (same id, so
    its clocks, notices and links stay), answered when it was; its answer clock becomes the reaction clock,
    and its audit trail is found under the request."""
    Request = apps.get_model("contracting", "Request")
    Offer = apps.get_model("contracting", "Offer")
    Clock = apps.get_model("contracting", "Clock")
    EffectRun = apps.get_model("contracting", "EffectRun")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # `migrate` renames the question's content type itself; a database migrated another way (or a content
    # type made for the old model since) keeps one, whose clocks move to the request's.
    old_type = ContentType.objects.filter(app_label="contracting", model="question").first()
    if old_type is not None:
        new_type = ContentType.objects.filter(app_label="contracting", model="request").first()
        if new_type is None:
            old_type.model = "request"
            old_type.save(update_fields=["model"])
        else:
            Clock.objects.filter(content_type=old_type).update(content_type=new_type)
            old_type.delete()
    offers = {o["pk"]: o for o in Offer.objects.filter(pk__in=Request.objects.values("offer_id")).values(
        "pk", "insurer_id", "practice_id", "care_group_id", "year", "practice__region_id", "care_group__region_id")}
    for request in Request.objects.all().iterator(chunk_size=2000):
        offer = offers[request.offer_id]
        request.insurer_id, request.year = offer["insurer_id"], offer["year"]
        request.practice_id, request.care_group_id = offer["practice_id"], offer["care_group_id"]
        request.region_id = offer["practice__region_id"] or offer["care_group__region_id"]
        request.kind, request.side = "question", "holder"
        if request.answered_at is not None:
            request.status, request.reacted_at = "answered", request.answered_at
        request.save(update_fields=["insurer", "year", "practice", "care_group", "region", "kind", "side", "status",
                                    "reacted_at"])
    Clock.objects.filter(kind=OLD_CLOCK).update(kind=NEW_CLOCK)
    Clock.objects.filter(effect=OLD_EFFECT).update(effect=NEW_EFFECT)
    EffectRun.objects.filter(effect=OLD_EFFECT).update(effect=NEW_EFFECT)
    AuditEvent.objects.filter(object_type="contracting.question").update(object_type="contracting.request")


class Migration(migrations.Migration):

    dependencies = [
        ('contracting', '0014_caregroup_negotiation'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0001_initial'),
        ('insurers', '0003_policyversion_changes'),
        ('providers', '0002_practice_name_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Question", "Request"),
        migrations.RenameField("Request", "asked_by", "raised_by"),
        migrations.RenameField("Request", "asked_at", "raised_at"),
        migrations.CreateModel(
            name='RequestAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=255, upload_to=contracting.models.requests._attachment_path, verbose_name='bestand')),
                ('name', models.CharField(max_length=200, verbose_name='bestandsnaam')),
                ('size', models.PositiveIntegerField(verbose_name='grootte (bytes)')),
                ('content_type', models.CharField(max_length=100, verbose_name='soort bestand')),
                ('uploaded_at', models.DateTimeField(verbose_name='toegevoegd op')),
            ],
            options={
                'verbose_name': 'bijlage',
                'verbose_name_plural': 'bijlagen',
                'ordering': ['uploaded_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='RequestMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('side', models.CharField(choices=[('holder', 'Zorgaanbieder'), ('insurer', 'Zorgverzekeraar')], max_length=10, verbose_name='partij')),
                ('text', models.TextField(verbose_name='bericht')),
                ('sent_at', models.DateTimeField(verbose_name='verstuurd op')),
            ],
            options={
                'verbose_name': 'bericht',
                'verbose_name_plural': 'berichten',
                'ordering': ['sent_at', 'id'],
            },
        ),
        migrations.AlterModelOptions(
            name='request',
            options={'ordering': ['due_at', 'id'], 'verbose_name': 'verzoek', 'verbose_name_plural': 'verzoeken'},
        ),
        migrations.AddField(
            model_name='request',
            name='appeal_decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='beroep beslist op'),
        ),
        migrations.AddField(
            model_name='request',
            name='appeal_decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='beroep beslist door'),
        ),
        migrations.AddField(
            model_name='request',
            name='appeal_outcome',
            field=models.CharField(blank=True, choices=[('granted', 'Toegekend'), ('partly', 'Gedeeltelijk toegekend'), ('refused', 'Afgewezen')], max_length=10, verbose_name='uitkomst beroep'),
        ),
        migrations.AddField(
            model_name='request',
            name='appeal_reasons',
            field=models.TextField(blank=True, verbose_name='motivering beroep'),
        ),
        migrations.AddField(
            model_name='request',
            name='appeal_text',
            field=models.TextField(blank=True, verbose_name='beroepschrift'),
        ),
        migrations.AddField(
            model_name='request',
            name='appealed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='beroep ingesteld op'),
        ),
        migrations.AddField(
            model_name='request',
            name='appealed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='beroep ingesteld door'),
        ),
        migrations.AddField(
            model_name='request',
            name='care_group',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='requests', to='providers.caregroup', verbose_name='samenwerkingsverband'),
        ),
        migrations.AddField(
            model_name='request',
            name='closed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='afgerond op'),
        ),
        migrations.AddField(
            model_name='request',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='besloten op'),
        ),
        migrations.AddField(
            model_name='request',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='besloten door'),
        ),
        migrations.AddField(
            model_name='request',
            name='escalated_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='voorgelegd aan de geschillencommissie op'),
        ),
        migrations.AddField(
            model_name='request',
            name='escalated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='voorgelegd door'),
        ),
        migrations.AddField(
            model_name='request',
            name='follows',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contracting.request', verbose_name='volgt op'),
        ),
        migrations.AddField(
            model_name='request',
            name='insurer',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='insurers.insurer', verbose_name='zorgverzekeraar'),
        ),
        migrations.AddField(
            model_name='request',
            name='kind',
            field=models.CharField(choices=[('question', 'Vraag'), ('maatwerk', 'Maatwerkverzoek'), ('innovation', 'Innovatievoorstel (S3)'), ('module_change', 'Verzoek tot wijziging van een standaardmodule'), ('knelpunt', 'Knelpunt'), ('dispute', 'Geschil')], default='question', max_length=20, verbose_name='soort'),
        ),
        migrations.AddField(
            model_name='request',
            name='laborious_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='bewerkelijk verklaard op'),
        ),
        migrations.AddField(
            model_name='request',
            name='laborious_reason',
            field=models.TextField(blank=True, verbose_name='waarom bewerkelijk'),
        ),
        migrations.AddField(
            model_name='request',
            name='module',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contracting.module', verbose_name='standaardmodule'),
        ),
        migrations.AddField(
            model_name='request',
            name='outcome',
            field=models.CharField(blank=True, choices=[('granted', 'Toegekend'), ('partly', 'Gedeeltelijk toegekend'), ('refused', 'Afgewezen')], max_length=10, verbose_name='uitkomst'),
        ),
        migrations.AddField(
            model_name='request',
            name='outcome_reasons',
            field=models.TextField(blank=True, verbose_name='motivering'),
        ),
        migrations.AddField(
            model_name='request',
            name='phase',
            field=models.CharField(blank=True, choices=[('pre_contractual', 'Precontractuele fase'), ('contractual', 'Contractuele fase')], max_length=20, verbose_name='fase'),
        ),
        migrations.AddField(
            model_name='request',
            name='practice',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='requests', to='providers.practice', verbose_name='praktijk'),
        ),
        migrations.AddField(
            model_name='request',
            name='project_ends',
            field=models.DateField(blank=True, null=True, verbose_name='project tot en met'),
        ),
        migrations.AddField(
            model_name='request',
            name='project_starts',
            field=models.DateField(blank=True, null=True, verbose_name='project van'),
        ),
        migrations.AddField(
            model_name='request',
            name='reacted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='eerste reactie op'),
        ),
        migrations.AddField(
            model_name='request',
            name='region',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='providers.region', verbose_name='regio'),
        ),
        migrations.AddField(
            model_name='request',
            name='settle_due_at',
            field=models.DateTimeField(editable=False, null=True, verbose_name='afhandeling uiterlijk'),
        ),
        migrations.AddField(
            model_name='request',
            name='side',
            field=models.CharField(choices=[('holder', 'Zorgaanbieder'), ('insurer', 'Zorgverzekeraar')], default='holder', max_length=10, verbose_name='ingediend door partij'),
        ),
        migrations.AddField(
            model_name='request',
            name='situation',
            field=models.CharField(blank=True, choices=[('takeover', 'Praktijkovername'), ('gp_loss', 'Uitvallen van een of meer huisartsen'), ('collaboration', 'Voornemen tot opgaan in een samenwerkingsverband of HOED'), ('population_change', 'Grote verandering in de populatie van wijk of praktijk (nieuwbouw, vestiging bijzondere patiëntengroepen)'), ('shrinking_region', 'Effecten van een krimpgebied'), ('deviant_population', 'Qua zorg afwijkende populatie'), ('other', 'Andere wezenlijke verandering in de praktijk of de directe omgeving')], max_length=30, verbose_name='bijzondere situatie'),
        ),
        migrations.AddField(
            model_name='request',
            name='status',
            field=models.CharField(choices=[('open', 'Wacht op reactie'), ('in_progress', 'In behandeling'), ('answered', 'Beantwoord'), ('decided', 'Besloten'), ('appealed', 'In beroep'), ('escalated', 'Bij de geschillencommissie'), ('closed', 'Afgerond'), ('withdrawn', 'Ingetrokken')], default='open', max_length=20, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='request',
            name='subject',
            field=models.CharField(blank=True, max_length=200, verbose_name='onderwerp'),
        ),
        migrations.AddField(
            model_name='request',
            name='year',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='contractjaar'),
        ),
        migrations.AlterField(
            model_name='request',
            name='due_at',
            field=models.DateTimeField(editable=False, null=True, verbose_name='reactie uiterlijk'),
        ),
        migrations.AlterField(
            model_name='request',
            name='offer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='requests', to='contracting.offer', verbose_name='aanbod'),
        ),
        migrations.AlterField(
            model_name='request',
            name='raised_at',
            field=models.DateTimeField(verbose_name='ingediend op'),
        ),
        migrations.AlterField(
            model_name='request',
            name='raised_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ingediend door'),
        ),
        migrations.AlterField(
            model_name='request',
            name='text',
            field=models.TextField(verbose_name='vraag of verzoek'),
        ),
        migrations.CreateModel(
            name='InnovationCriteria',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='contractjaar')),
                ('method', models.TextField(help_text='Hoe de verzekeraar de eisen toepast.', verbose_name='zo toetsen wij')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='gepubliceerd op')),
                ('insurer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='innovation_criteria', to='insurers.insurer', verbose_name='zorgverzekeraar')),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gepubliceerd door')),
            ],
            options={
                'verbose_name': 'toetsingscriteria innovatie',
                'verbose_name_plural': 'toetsingscriteria innovatie',
                'ordering': ['insurer__name', '-year'],
            },
        ),
        migrations.CreateModel(
            name='InnovationCriterion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='nummer')),
                ('title', models.CharField(max_length=200, verbose_name='eis')),
                ('explanation', models.TextField(blank=True, verbose_name='toelichting')),
                ('criteria', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='contracting.innovationcriteria', verbose_name='criteria')),
            ],
            options={
                'verbose_name': 'toetsingscriterium',
                'verbose_name_plural': 'toetsingscriteria',
                'ordering': ['criteria', 'number'],
            },
        ),
        migrations.AddField(
            model_name='request',
            name='criteria_cited',
            field=models.ManyToManyField(blank=True, related_name='+', to='contracting.innovationcriterion', verbose_name='getoetst aan'),
        ),
        migrations.RunPython(questions_to_requests, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='request',
            name='insurer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='insurers.insurer', verbose_name='zorgverzekeraar'),
        ),
        migrations.AddIndex(
            model_name='request',
            index=models.Index(fields=['insurer', 'kind', 'status'], name='request_insurer_kind_status'),
        ),
        migrations.AddIndex(
            model_name='request',
            index=models.Index(fields=['insurer', 'region', 'kind'], name='request_insurer_region_kind'),
        ),
        migrations.AddIndex(
            model_name='request',
            index=models.Index(fields=['practice', 'raised_at'], name='request_practice'),
        ),
        migrations.AddIndex(
            model_name='request',
            index=models.Index(fields=['care_group', 'raised_at'], name='request_care_group'),
        ),
        migrations.AddConstraint(
            model_name='request',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('care_group__isnull', True), ('practice__isnull', False)), models.Q(('care_group__isnull', False), ('practice__isnull', True)), _connector='OR'), name='request_has_exactly_one_holder'),
        ),
        migrations.AddField(
            model_name='requestattachment',
            name='request',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='contracting.request', verbose_name='verzoek'),
        ),
        migrations.AddField(
            model_name='requestattachment',
            name='uploaded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='toegevoegd door'),
        ),
        migrations.AddField(
            model_name='requestmessage',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='afzender'),
        ),
        migrations.AddField(
            model_name='requestmessage',
            name='request',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='contracting.request', verbose_name='verzoek'),
        ),
        migrations.AddField(
            model_name='requestattachment',
            name='message',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='contracting.requestmessage', verbose_name='bericht'),
        ),
        migrations.AddConstraint(
            model_name='innovationcriteria',
            constraint=models.UniqueConstraint(fields=('insurer', 'year'), name='innovation_criteria_once'),
        ),
        migrations.AddConstraint(
            model_name='innovationcriterion',
            constraint=models.UniqueConstraint(fields=('criteria', 'number'), name='innovation_criterion_number'),
        ),
        migrations.AddField(
            model_name='request',
            name='addendum',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='maatwerk_request', to='contracting.contractaddendum', verbose_name='addendum'),
        ),
    ]
