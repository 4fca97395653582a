from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Enquêtes"

    def ready(self):
        from contracting.selectors import register_questionnaire_finder, register_task_source

        # effects: the survey clocks (invitations, reminder, closing) registered with the deadline engine.
        from . import effects, receivers  # noqa: F401

        # Contracting's pages link to the uitvraag of a contract or module through this.
        register_questionnaire_finder(receivers.questionnaire_page)

        # "Wat wacht op u" on the home page and in the demo logins: the open surveys not yet submitted.
        from .todo import survey_tasks

        register_task_source("surveys", survey_tasks)

        # The calendar feed: the closing of each survey still to be submitted.
        from contracting.selectors import register_deadline_source

        from .agenda import survey_items

        register_deadline_source("surveys", survey_items)
