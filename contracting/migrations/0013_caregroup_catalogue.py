# The care-group catalogue (nza-monitor-2019.md §1): programmes and their components, ketenzorg per patient in
# the keten per quarter, O&I per ingeschreven verzekerde, care-group terms on contract lines.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contracting', '0012_own_offers_and_adjustments'),
    ]

    operations = [
        migrations.CreateModel(
            name='Component',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=100, verbose_name='naam')),
                ('sort_order', models.PositiveSmallIntegerField(default=100, verbose_name='volgorde')),
            ],
            options={
                'verbose_name': 'ketenonderdeel',
                'verbose_name_plural': 'ketenonderdelen',
                'ordering': ['sort_order', 'name'],
            },
        ),
        migrations.AddField(
            model_name='contractmodule',
            name='components',
            field=models.JSONField(blank=True, default=dict, verbose_name='ketenonderdelen: integraal of apart'),
        ),
        migrations.AddField(
            model_name='contractmodule',
            name='expected_patients',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='verwachte patiënten in de keten'),
        ),
        migrations.AddField(
            model_name='contractmodule',
            name='inclusion_ceiling_percent',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='inclusieplafond (% van de populatie)'),
        ),
        migrations.AddField(
            model_name='contractmodule',
            name='lumpsum',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='basisbedrag (lumpsum, €)'),
        ),
        migrations.AddField(
            model_name='contractmodule',
            name='staffel_from',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='staffel vanaf (ingeschreven verzekerden)'),
        ),
        migrations.AddField(
            model_name='module',
            name='programme_funding',
            field=models.CharField(blank=True, choices=[('keten', 'Ketenprestatie: integraal tarief per patiënt in de keten per kwartaal'), ('overhead', 'Overhead aan het samenwerkingsverband; de zorg via de contracten van de zorgverleners')], help_text="Alleen voor zorgprogramma's van samenwerkingsverbanden.", max_length=20, verbose_name='bekostiging zorgprogramma'),
        ),
        migrations.AddField(
            model_name='module',
            name='retired',
            field=models.BooleanField(default=False, help_text='Niet meer aan te bieden; bestaande contracten houden de module.', verbose_name='vervallen'),
        ),
        migrations.AlterField(
            model_name='module',
            name='unit',
            field=models.CharField(choices=[('per_inschrijving_kwartaal', 'per ingeschreven patiënt per kwartaal'), ('per_ketenpatient_kwartaal', 'per patiënt in de keten per kwartaal'), ('per_verzekerde_jaar', 'per ingeschreven verzekerde per jaar'), ('vast_bedrag_jaar', 'vast bedrag per jaar'), ('per_patient_jaar', 'per ingeschreven patiënt per jaar'), ('per_weekuur_jaar', 'per uur per week, per jaar'), ('per_praktijk_jaar', 'per praktijk per jaar'), ('per_consult', 'per consult'), ('per_verrichting', 'per verrichting')], max_length=30, verbose_name='eenheid'),
        ),
        migrations.AddField(
            model_name='module',
            name='components',
            field=models.ManyToManyField(blank=True, related_name='programmes', to='contracting.component', verbose_name='ketenonderdelen'),
        ),
    ]


def load_catalogue(apps, schema_editor):
    """The care-group catalogue: programmes with their components, VRM split into HVZ and VVR, ketenzorg per
    patient in the keten per quarter (it was wrongly per registered patient), O&I per ingeschreven verzekerde
    with the two missing prestaties, and no S2 module left in a draft practice contract."""
    from contracting.catalogue_data import load

    load(apps.get_model("contracting", "Module"), apps.get_model("contracting", "Component"),
         apps.get_model("contracting", "ContractModule"))


Migration.operations.append(migrations.RunPython(load_catalogue, migrations.RunPython.noop))
