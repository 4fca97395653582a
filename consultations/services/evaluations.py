"""The insurer's evaluation of the previous contracting (GCP phase A): written and finished by the end of
February, shared with all its contractants and overlegteams by 1 March. Finishing or sharing after the
milestone is recorded as late (selectors.evaluation_lateness reads it against the milestone rows), never
refused."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from accounts.notices import N_
from contracting.models import ContractYear, Offer
from core.audit import audit_record
from core.errors import ConflictError, PortalError
from insurers.models import Insurer

from ..access import purchasing_insurer_ids
from ..models import Evaluation
from .common import clean_text

METHODS = Evaluation.Method


def _require_purchaser(actor, insurer_id: int) -> None:
    from core.errors import Forbidden

    if actor is not None and insurer_id not in purchasing_insurer_ids(actor):
        raise Forbidden("not_purchaser", _("Alleen een zorginkoper van deze zorgverzekeraar kan dit doen."))


def evaluation_save(*, actor, insurer: Insurer, year: int, method: str, summary: str, now: datetime) -> Evaluation:
    """Write (or rewrite) the insurer's evaluation in the calendar of contract `year`: its method and its
    outcomes (Markdown). Once shared it stands (409). The same again changes nothing."""
    _require_purchaser(actor, insurer.pk)
    if method not in METHODS.values:
        raise PortalError("method_required", _("Kies hoe u heeft geëvalueerd: met een enquête, een formeel overleg "
                                               "of beide."), fields={"method": [_("Kies een werkwijze.")]})
    summary = clean_text(summary, field="summary")
    contract_year = ContractYear.objects.filter(year=year).first()
    if contract_year is None:
        raise PortalError("unknown_year", _("Contractjaar %(year)s bestaat niet (nog).") % {"year": year},
                          fields={"year": [_("Onbekend jaar.")]})
    with transaction.atomic():
        Insurer.objects.select_for_update().get(pk=insurer.pk)
        evaluation, created = Evaluation.objects.get_or_create(
            insurer=insurer, contract_year=contract_year,
            defaults={"method": method, "summary": summary, "created_at": now})
        if created:
            audit_record(actor=actor, verb="consultations.evaluation.created", obj=evaluation,
                         after={"method": method, "summary": summary})
            return evaluation
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.method == method and evaluation.summary == summary:
            return evaluation
        if evaluation.shared_at is not None:
            raise ConflictError("evaluation_shared", _("Deze evaluatie is al gedeeld en kan niet meer worden "
                                                       "gewijzigd."))
        before = {"method": evaluation.method, "summary": evaluation.summary}
        evaluation.method, evaluation.summary = method, summary
        evaluation.save(update_fields=["method", "summary"])
        audit_record(actor=actor, verb="consultations.evaluation.updated", obj=evaluation, before=before,
                     after={"method": method, "summary": summary})
    return evaluation


def evaluation_finish(*, actor, evaluation: Evaluation, now: datetime) -> Evaluation:
    """The evaluation is finished (it needs its outcomes written). Safe to repeat: the first moment stays."""
    _require_purchaser(actor, evaluation.insurer_id)
    with transaction.atomic():
        evaluation = (Evaluation.objects.select_for_update(of=("self",)).select_related("contract_year")
                      .get(pk=evaluation.pk))
        if evaluation.finished_at is not None:
            return evaluation
        if not evaluation.summary:
            raise PortalError("summary_required", _("Schrijf eerst de uitkomsten van de evaluatie."),
                              fields={"summary": [_("Verplicht.")]})
        evaluation.finished_at, evaluation.finished_by = now, actor
        evaluation.save(update_fields=["finished_at", "finished_by"])
        audit_record(actor=actor, verb="consultations.evaluation.finished", obj=evaluation,
                     after={"finished_at": now})
    return evaluation


def evaluation_audience_user_ids(evaluation: Evaluation):
    """Everyone the evaluation is shared with: the people of its insurer's contractants of the evaluated year
    (practices and care groups with a signed offer of the insurer for that year) and the members of its
    overlegteams."""
    signed = Offer.objects.filter(insurer_id=evaluation.insurer_id, year=evaluation.contract_year.year - 1,
                                  status=Offer.Status.SIGNED)
    return (Membership.objects.filter(
        Q(practice__in=signed.filter(practice__isnull=False).values("practice"))
        | Q(care_group__in=signed.filter(care_group__isnull=False).values("care_group"))
        | Q(role=Role.OTH_MEMBER, overleg_team__insurer_id=evaluation.insurer_id))
        .values_list("user_id", flat=True).distinct())


def evaluation_share(*, actor, evaluation: Evaluation, now: datetime) -> Evaluation:
    """Share the finished evaluation with all contractants and overlegteams: they can read it from now on and
    each gets one notice. Safe to repeat (shared once, notified once)."""
    from accounts.services import notify_users

    _require_purchaser(actor, evaluation.insurer_id)
    with transaction.atomic():
        evaluation = (Evaluation.objects.select_for_update(of=("self",)).select_related("contract_year", "insurer")
                      .get(pk=evaluation.pk))
        if evaluation.shared_at is not None:
            return evaluation
        if evaluation.finished_at is None:
            raise ConflictError("evaluation_unfinished", _("Rond de evaluatie eerst af; daarna deelt u haar."))
        evaluation.shared_at, evaluation.shared_by = now, actor
        evaluation.save(update_fields=["shared_at", "shared_by"])
        told = notify_users(
            user_ids=evaluation_audience_user_ids(evaluation), key=f"evaluation-shared:{evaluation.pk}",
            subject=N_("%(insurer)s deelt de evaluatie van de contractering %(year)s"),
            body=N_("%(insurer)s heeft de contractering voor %(year)s geëvalueerd. Lees de uitkomsten in het portaal."),
            params={"insurer": evaluation.insurer.name, "year": str(evaluation.evaluated_year)},
            url=reverse("consultations:evaluation", args=[evaluation.pk]))
        audit_record(actor=actor, verb="consultations.evaluation.shared", obj=evaluation,
                     after={"shared_at": now, "notified": told})
    return evaluation
