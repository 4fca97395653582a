"""The effects the contracting app attaches to milestones: the year's phase, and notices to those concerned."""

from datetime import timedelta

from django.utils import formats, translation

from accounts.services import notify_audiences

from .calendar import GCP_CALENDAR, RULES_BY_KIND, local_date
from .engine import milestone_effect
from .services import contract_year_advance_phase


@milestone_effect("contracting.phase", kinds={r.kind for r in GCP_CALENDAR if r.phase}, order=10)
def advance_phase(*, milestone, effective_at, now) -> dict:
    rule = RULES_BY_KIND[milestone.kind]
    changed = contract_year_advance_phase(contract_year=milestone.contract_year, phase=rule.phase,
                                          effective_at=effective_at)
    return {"phase": rule.phase, "changed": changed}


# A notice found more than three days after its milestone (the worker was down) is no news any more.
@milestone_effect("contracting.notify", kinds={r.kind for r in GCP_CALENDAR}, late_after=timedelta(days=3),
                  order=90)
def notify_concerned(*, milestone, effective_at, now) -> dict:
    rule = RULES_BY_KIND[milestone.kind]
    year = milestone.contract_year.year
    with translation.override("nl"):
        label = str(milestone.get_kind_display())
        when = formats.date_format(local_date(effective_at if rule.boundary == "start"
                                              else effective_at - timedelta(seconds=1)), "j F Y")
    subject = f"Contractjaar {year}: {label}"
    if rule.boundary == "start":
        body = f"Vanaf {when}: {label.lower()}. Bekijk de kalender van contractjaar {year} in het portaal."
    else:
        body = f"Uiterlijk {when}: {label.lower()}. Bekijk de kalender van contractjaar {year} in het portaal."
    count = notify_audiences(audiences=rule.who, key=f"milestone:{milestone.pk}", subject=subject, body=body,
                             url="/")
    return {"notified": count}
