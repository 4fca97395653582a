from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Enquêtes"

    def ready(self):
        # Register the survey clocks (invitations, reminder, closing) with the deadline engine.
        from . import effects  # noqa: F401
