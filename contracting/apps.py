from django.apps import AppConfig


class ContractingConfig(AppConfig):
    name = "contracting"
    verbose_name = "Contractering"

    def ready(self):
        # Register the milestone effects this app owns with the deadline engine.
        from . import effects  # noqa: F401

        # The calendar feed's deadlines of this app; the apps above register theirs the same way.
        from .selectors import agenda

        for name, source in (("milestones", agenda.milestone_items), ("requests", agenda.request_items),
                             ("follow_requests", agenda.follow_request_items),
                             ("own_offers", agenda.own_offer_items), ("adjustments", agenda.adjustment_items)):
            agenda.register_deadline_source(f"contracting.{name}", source)
