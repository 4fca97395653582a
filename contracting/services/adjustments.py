"""Mid-term adjustment of a running multi-year contract under its exception clause (GCP, meerjarige contracten:
"Als uitzonderingsbepaling kan worden opgenomen, dat indien wettelijke of budgettaire wijzigingen of
onduidelijkheden (buiten de macht van partijen) hiertoe aanleiding geven, aanpassingen in goed overleg jaarlijks
kunnen plaatshebben. Hiertoe wordt de cyclus zoals hier omschreven en volgens de NZa normen doorlopen.").

So, here:
- only a contract of two or more years with an exception clause can be adjusted, on one of the clause's grounds
  (a legal or budget change, or an uncertainty, outside the parties' control), with an explanation;
- an adjustment is yearly: it takes effect on 1 January of a later year Y of the term, at most one open or
  accepted adjustment per contract and year;
- the cycle runs for the change only: it is proposed by the year's definitive offers (15 September; 15 July
  for care-group contracts; the same deadline as an index figure, services.indexation.later_year_deadline),
  and the holder's signatory accepts it by the end of the year's signing (a clock anchored to that milestone).
  Not accepted by then, it lapses (the sweep withdraws its addendum) and the contract runs on unchanged;
- the change is a ContractAddendum of kind "adjustment" (services.addenda): it changes the contract only when
  the signatory accepts it with two-factor, and refusing (with a reason) leaves the contract as it was.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.audit import audit_record
from core.errors import ConflictError, PortalError

from ..access import require_insurer_purchaser
from ..calendar import MilestoneKind, last_day
from ..models import ContractAddendum, ContractAdjustment, Milestone, Offer
from .addenda import addendum_propose, addendum_withdraw
from .clocks import clock_start
from .indexation import later_year_deadline

ADJUSTMENT_ACCEPT_CLOCK = "contracting.adjustment.accept"


def adjustment_propose(*, actor, offer: Offer, year: int, ground: str, explanation: str, title: str, text: str,
                       changes, now: datetime | None = None) -> ContractAdjustment:
    """A purchaser of the offer's insurer proposes an adjustment of the signed multi-year contract for `year`
    (module docstring for the rules). Proposing the same again while it waits gives the same adjustment.
    The addendum services check the changes against the signed modules and notify the holder."""
    require_insurer_purchaser(actor, offer.insurer_id)
    now = now or timezone.now()
    contract = offer.standard_contract
    if contract.term_years == 1 or not contract.adjustment_clause.strip():
        raise ConflictError("no_adjustment_clause",
                            _("Dit contract heeft geen aanpassingsclausule: alleen een meerjarencontract met die "
                              "clausule kan tussentijds worden aangepast."))
    if ground not in ContractAdjustment.Ground.values:
        raise PortalError("invalid_ground", _("Kies de grond van de aanpassing: een wettelijke of budgettaire "
                                              "wijziging, of een onduidelijkheid buiten de macht van partijen."),
                          fields={"ground": [_("Kies een grond.")]})
    explanation = (explanation or "").strip()
    if not explanation:
        raise PortalError("explanation_required", _("Licht toe welke wijziging buiten de macht van partijen de "
                                                    "aanpassing nodig maakt."),
                          fields={"explanation": [_("Verplicht.")]})
    if not (contract.first_year < year <= contract.last_year):
        raise PortalError("year_outside_term",
                          _("Een aanpassing geldt vanaf 1 januari van een later jaar van de looptijd: %(first)s tot "
                            "en met %(last)s.") % {"first": contract.first_year + 1, "last": contract.last_year},
                          fields={"year": [_("Kies een later jaar van de looptijd.")]})
    deadline = later_year_deadline(contract, year)
    if deadline is None:
        raise ConflictError("no_contract_year", _("Contractjaar %(year)s heeft nog geen kalender.") % {"year": year})
    if now >= deadline.due_at:
        raise ConflictError("adjustment_deadline_passed",
                            _("Een aanpassing voor %(year)s kon tot en met %(day)s worden voorgesteld (het "
                              "definitieve contractaanbod voor dat jaar).")
                            % {"year": year, "day": formats.date_format(last_day(deadline.due_at), "j F Y")})
    signing_close = Milestone.objects.get(contract_year__year=year, kind=MilestoneKind.SIGNING_CLOSE)
    text = (text or "").strip()
    # The ground is part of what the signatory reads and signs (in the contract's language, Dutch).
    with override("nl"):
        signed_text = (f"{ContractAdjustment.Ground(ground).label} ({_('aanpassingsclausule')}): {explanation}"
                       f"\n\n{text}") if text else ""
    with transaction.atomic():
        Offer.objects.select_for_update(of=("self",)).filter(pk=offer.pk).first()
        existing = (ContractAdjustment.objects.select_related("addendum")
                    .filter(offer=offer, year=year, addendum__status__in=[ContractAddendum.Status.PROPOSED,
                                                                           ContractAddendum.Status.ACCEPTED])
                    .first())
        if existing is not None:
            if (existing.addendum.status == ContractAddendum.Status.PROPOSED and existing.ground == ground
                    and existing.explanation == explanation and existing.addendum.title == (title or "").strip()
                    and existing.addendum.text == signed_text):
                return existing
            raise ConflictError("adjustment_exists",
                                _("Voor %(year)s is al een aanpassing %(status)s; per jaar is er één.")
                                % {"year": year, "status": existing.addendum.get_status_display().lower()})
        addendum = addendum_propose(actor=actor, offer=offer, kind=ContractAddendum.Kind.ADJUSTMENT, title=title,
                                    text=signed_text, changes=changes, effective_from=date(year, 1, 1), now=now,
                                    exception_clause=True)
        adjustment = ContractAdjustment.objects.create(offer=offer, addendum=addendum, year=year, ground=ground,
                                                       explanation=explanation)
        # The signatory accepts by the end of the year's signing; the clock withdraws it after that.
        clock_start(actor=actor, obj=adjustment, kind=ADJUSTMENT_ACCEPT_CLOCK, started_at=now,
                    milestone=signing_close)
        audit_record(actor=actor, verb="contracting.adjustment.proposed", obj=adjustment,
                     after={"addendum": addendum.pk, "year": year, "ground": ground, "due_at": adjustment.due_at})
    return adjustment


def adjustment_accept_refusal(addendum: ContractAddendum, now: datetime) -> ConflictError | None:
    """Why the signatory can no longer accept this adjustment's addendum at `now`, or None: the end of the
    year's signing (its clock) has passed. addendum_accept asks this at request time."""
    adjustment = ContractAdjustment.objects.filter(addendum=addendum).first()
    if adjustment is None or adjustment.due_at is None or now < adjustment.due_at:
        return None
    return ConflictError("adjustment_signing_closed",
                         _("Deze aanpassing kon tot en met %(day)s worden ondertekend; het contract loopt "
                           "ongewijzigd door.") % {"day": formats.date_format(last_day(adjustment.due_at), "j F Y")})


def adjustment_lapse(*, adjustment: ContractAdjustment, effective_at: datetime) -> bool:
    """The end of the year's signing came before the signatory decided: the addendum is withdrawn by the system
    (its holder is told) and the contract runs on unchanged. Nothing to do once it was decided. Returns whether
    it lapsed now."""
    with transaction.atomic():
        locked = ContractAdjustment.objects.select_for_update(of=("self",)).select_related("addendum__offer").get(
            pk=adjustment.pk)
        if locked.lapsed_at is not None or locked.addendum.status != ContractAddendum.Status.PROPOSED:
            return False
        addendum_withdraw(actor=None, addendum=locked.addendum, now=effective_at)
        locked.lapsed_at = effective_at
        locked.save(update_fields=["lapsed_at"])
        audit_record(actor=None, verb="contracting.adjustment.lapsed", obj=locked,
                     after={"effective_at": effective_at})
    return True
