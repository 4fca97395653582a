from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "monitor"
    verbose_name = "NZa-monitor"

    def ready(self):
        # Each indicators module registers its indicators with the one registry (monitor.indicators).
        from .indicators import load_all

        load_all()
