from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Overleg met overlegteams"

    def ready(self):
        from contracting.selectors import register_task_source

        from . import effects  # noqa: F401 (registers the clocks and effects with the deadline engine)
        from .todo import overleg_tasks

        # "Wat wacht op u" on the home page and in the demo logins: positions waiting for a decision.
        register_task_source("consultations", overleg_tasks)

        # The calendar feed: the decisions on positions and the reactions to knelpunten.
        from contracting.selectors import register_deadline_source

        from .agenda import overleg_items

        register_deadline_source("consultations", overleg_items)
