from django.apps import AppConfig


class ContractingConfig(AppConfig):
    name = "contracting"
    verbose_name = "Contractering"

    def ready(self):
        # Register the milestone effects this app owns with the deadline engine.
        from . import effects  # noqa: F401
