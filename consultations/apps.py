from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Overleg met overlegteams"

    def ready(self):
        from . import effects  # noqa: F401 (registers the clocks and effects with the deadline engine)
