from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "monitor"
    verbose_name = "NZa-monitor"

    def ready(self):
        # Each indicators module registers its indicators with the one registry (monitor.indicators).
        from .indicators import load_all

        load_all()

        # "Wat wacht op u" and the demo logins' "Nu te doen": the NZa's years to check and publish.
        from contracting.selectors import register_task_source

        from .todo import monitor_tasks

        register_task_source("monitor", monitor_tasks)
