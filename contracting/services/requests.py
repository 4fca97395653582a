"""Requests between a holder and an insurer (GCP standing rules), one workflow for every kind:

- raise (request_raise; question_ask for a question about an offer): starts the reaction clock, 5 working days
  (a knelpunt or dispute: 2 calendar weeks), and tells the other side;
- the thread (request_post_message, with attachments): a message from the side that must react is its
  reaction (a question is reacted to by its answer or by being marked laborious);
- a question marked laborious (request_mark_laborious, with a reason) is settled within 2 working weeks from
  when it was asked: a second clock, beside the first;
- answer (question_answer) or decide (request_decide: granted, partly, refused with reasons; an innovation
  proposal refused only on the insurer's published criteria for that year);
- appeal (request_appeal, once, within the appeal window, by the holder) decided by another purchaser
  (request_decide_appeal);
- a dispute goes to the geschillencommissie (request_escalate) after consultation: once the other side has
  reacted or its 2 weeks have passed;
- withdraw (the side that raised it) or close (a knelpunt or dispute settled).

Each service checks who acts, locks the request, audits inside the transaction, and is safe to repeat (the same
call again returns the same result and changes nothing); bad input is a PortalError with a Dutch message and
nothing is saved. Notices go out after the change, through the outbox."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.notices import N_, day
from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError
from core.uploads import check_upload

from ..access import (
    is_insurer_purchaser,
    is_request_holder_member,
    request_side_of,
    require_insurer_purchaser,
)
from ..calendar import (
    APPEAL_WINDOW_CLOCK,
    KNELPUNT_REACTION_CLOCK,
    REQUEST_REACTION_CLOCK,
    REQUEST_SETTLE_CLOCK,
    last_day,
)
from ..models import InnovationCriterion, Module, Offer, Request, RequestAttachment, RequestMessage
from .clocks import clock_cancel, clock_done, clock_start

K, S = Request.Kind, Request.Status
TEXT_MAX = 5000
SUBJECT_MAX = 200
MAX_FILES_PER_MESSAGE = 5
ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "odt", "png", "jpg", "jpeg")
# Who may raise which kind: the holder raises every kind; the insurer a knelpunt or a dispute ("partijen
# reageren binnen 2 weken op een ingebracht knelpunt": either party may raise one).
INSURER_MAY_RAISE = frozenset({K.KNELPUNT, K.DISPUTE})
DECIDED_KINDS = frozenset({K.MAATWERK, K.INNOVATION, K.MODULE_CHANGE})
LABORIOUS_KINDS = frozenset({K.QUESTION, K.MAATWERK, K.INNOVATION, K.MODULE_CHANGE})


def request_notice_key(request_id: int) -> str:
    """The key of the other side's notice of a new request (one notice per request and user)."""
    return f"request:{request_id}"


def reaction_clock_kind(kind: str) -> str:
    """The clock a request of `kind` is reacted to by: 2 calendar weeks for a knelpunt or dispute, otherwise
    5 working days."""
    return KNELPUNT_REACTION_CLOCK if kind in (K.KNELPUNT, K.DISPUTE) else REQUEST_REACTION_CLOCK


def _text(value: str, *, field: str, code: str, required: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if not value:
        raise PortalError(code, required, fields={field: [_("Verplicht.")]})
    if len(value) > limit:
        raise PortalError(f"{field}_too_long", _("Ten hoogste %(n)s tekens.") % {"n": f"{limit:,}".replace(",", ".")},
                          fields={field: [_("Te lang.")]})
    return value


def _check_files(files) -> list:
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES_PER_MESSAGE:
        raise PortalError("too_many_attachments", _("Ten hoogste %(n)s bijlagen per bericht.")
                          % {"n": MAX_FILES_PER_MESSAGE}, fields={"attachments": [_("Te veel bestanden.")]})
    return [(upload, check_upload(upload, kinds=ATTACHMENT_KINDS, field="attachments")) for upload in files]


def _save_files(checked, *, request: Request, message: RequestMessage | None, actor, now) -> list[RequestAttachment]:
    saved = []
    for upload, info in checked:
        attachment = RequestAttachment(request=request, message=message, name=info.name, size=info.size,
                                       content_type=info.content_type, uploaded_by=actor, uploaded_at=now)
        attachment.file.save(f"bijlage.{info.extension}", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def _notify_other_side(request: Request, *, key: str, subject: str, body: str, params: dict | None = None,
                       to_side: str | None = None) -> int:
    from accounts.services import notify_users

    from ..selectors.requests import (
        request_notice_params,
        request_other_side,
        request_side_users,
        request_url,
    )

    side = to_side or request_other_side(request)
    return notify_users(user_ids=request_side_users(request, side), key=key, subject=subject, body=body,
                        params={**request_notice_params(request), **(params or {})},
                        url=request_url(request, side=side))


def _locked(request: Request) -> Request:
    return Request.objects.select_for_update().get(pk=request.pk)


# --- Raising ------------------------------------------------------------------------------------------------
def request_raise(*, actor, kind: str, text: str, now: datetime, offer: Offer | None = None, insurer=None,
                  practice=None, care_group=None, subject: str = "", year: int | None = None,
                  situation: str = "", module: Module | None = None, project_starts=None, project_ends=None,
                  phase: str = "", follows: Request | None = None, attachments=()) -> Request:
    """Raise a request of `kind` between a holder (the offer's, or `practice`/`care_group`) and an insurer (the
    offer's, or `insurer`). The holder's people raise any kind, with or without an offer, all year; a purchaser
    of the insurer raises a knelpunt or a dispute with a holder it has made an offer to. Starts the reaction
    clock and tells the other side. Raising the same again while it is open (a double click, a retried
    request) gives the same request."""
    if kind not in K.values:
        raise PortalError("unknown_kind", _("Kies wat voor verzoek het is."), fields={"kind": [_("Onbekend.")]})
    if offer is not None:
        if insurer is not None and insurer.pk != offer.insurer_id:
            raise PortalError("offer_of_other_insurer", _("Dit aanbod is van een andere zorgverzekeraar."),
                              fields={"offer": [_("Andere verzekeraar.")]})
        insurer, practice, care_group = offer.insurer, offer.practice, offer.care_group
        year = offer.year
    if insurer is None:
        raise PortalError("insurer_required", _("Kies de zorgverzekeraar."), fields={"insurer": [_("Verplicht.")]})
    if (practice is None) == (care_group is None):
        raise PortalError("holder_required", _("Kies de praktijk of het samenwerkingsverband."),
                          fields={"holder": [_("Verplicht.")]})
    holder = practice or care_group
    probe = Request(insurer=insurer, practice=practice, care_group=care_group)
    if actor is not None and is_request_holder_member(actor, probe):
        side = Request.Side.HOLDER
    elif actor is not None and is_insurer_purchaser(actor, insurer.pk):
        if kind not in INSURER_MAY_RAISE:
            raise Forbidden("holder_only", _("Alleen de zorgaanbieder kan dit soort verzoek indienen."))
        holder_offers = Offer.objects.filter(insurer=insurer, **({"practice": practice} if practice
                                                                 else {"care_group": care_group}))
        if not holder_offers.exists():
            raise Forbidden("no_relation", _("U kunt alleen een knelpunt of geschil voorleggen aan een zorgaanbieder "
                                             "aan wie u een contract heeft aangeboden."))
        side = Request.Side.INSURER
    else:
        raise Forbidden("not_a_party", _("Alleen de zorgaanbieder of een zorginkoper van de verzekeraar kan dit."))

    subject = (subject or "").strip()
    if len(subject) > SUBJECT_MAX:
        raise PortalError("subject_too_long", _("Een onderwerp is ten hoogste %(n)s tekens.") % {"n": SUBJECT_MAX},
                          fields={"subject": [_("Te lang.")]})
    required = _("Typ uw vraag.") if kind == K.QUESTION else _("Beschrijf uw verzoek.")
    text = _text(text, field="text", code="text_required", required=required)
    extra: dict = {}
    if kind == K.MAATWERK:
        if situation not in Request.Situation.values:
            raise PortalError("situation_required", _("Kies de bijzondere situatie waarvoor u maatwerk vraagt."),
                              fields={"situation": [_("Verplicht.")]})
        extra["situation"] = situation
    if kind == K.MODULE_CHANGE:
        if module is None:
            raise PortalError("module_required", _("Kies de standaardmodule die u gewijzigd wilt zien."),
                              fields={"module": [_("Verplicht.")]})
        extra["module"] = module
    if kind == K.INNOVATION:
        if project_starts and project_ends and project_ends < project_starts:
            raise PortalError("project_term", _("Het project eindigt vóór het begint."),
                              fields={"project_ends": [_("Vóór de begindatum.")]})
        extra.update(project_starts=project_starts, project_ends=project_ends)
        if year is None:
            raise PortalError("year_required", _("Kies het contractjaar van het voorstel."),
                              fields={"year": [_("Verplicht.")]})
    if kind == K.DISPUTE:
        if phase not in Request.Phase.values:
            raise PortalError("phase_required", _("Kies of het geschil de precontractuele of de contractuele fase "
                                                  "betreft."), fields={"phase": [_("Verplicht.")]})
        extra["phase"] = phase
        if follows is not None and (follows.kind != K.KNELPUNT or follows.insurer_id != insurer.pk
                                    or follows.practice_id != getattr(practice, "pk", None)
                                    or follows.care_group_id != getattr(care_group, "pk", None)):
            raise PortalError("follows_other", _("Een geschil volgt alleen op een knelpunt tussen dezelfde partijen."),
                              fields={"follows": [_("Ander knelpunt.")]})
        extra["follows"] = follows
    checked = _check_files(attachments)
    with transaction.atomic():
        # One raiser at a time per holder and insurer: the same request twice gives the first.
        type(holder).objects.select_for_update().filter(pk=holder.pk).first()
        same = Request.objects.filter(kind=kind, insurer=insurer, practice=practice, care_group=care_group,
                                      offer=offer, raised_by=actor, text=text,
                                      status__in=[S.OPEN, S.IN_PROGRESS]).first()
        if same is not None:
            return same
        request = Request.objects.create(
            kind=kind, insurer=insurer, practice=practice, care_group=care_group, region_id=holder.region_id,
            offer=offer, year=year, side=side, subject=subject, text=text, raised_by=actor, raised_at=now, **extra)
        _save_files(checked, request=request, message=None, actor=actor, now=now)
        clock_start(actor=actor, obj=request, kind=reaction_clock_kind(kind), started_at=now)
        audit_record(actor=actor, verb="contracting.request.raised", obj=request,
                     after={"kind": kind, "side": side, "due_at": request.due_at, "attachments": len(checked)})
        if kind == K.QUESTION:
            subject, body = (N_("Nieuwe vraag over %(contract)s"),
                             N_("%(holder)s stelde een vraag. Antwoord uiterlijk %(last_day)s."))
        else:
            subject, body = (N_("%(kind)s: %(subject)s"),
                             N_("%(holder)s en %(insurer)s: %(kind)s. Reactie uiterlijk %(last_day)s."))
        _notify_other_side(request, key=request_notice_key(request.pk), subject=subject, body=body,
                           params={"last_day": day(last_day(request.due_at))})
    return request


def question_ask(*, actor, offer: Offer, text: str, now: datetime, attachments=()) -> Request:
    """The holder's people ask the insurer about an offer; the answer is due within 5 working days."""
    from ..access import require_holder_member

    require_holder_member(actor, offer)
    return request_raise(actor=actor, kind=K.QUESTION, offer=offer, text=text, now=now, attachments=attachments)


# --- The thread ---------------------------------------------------------------------------------------------
def _require_party(actor, request: Request) -> str:
    side = request_side_of(actor, request) if actor is not None else None
    if side is None:
        raise Forbidden("not_a_party", _("Alleen de zorgaanbieder of een zorginkoper van de verzekeraar kan dit."))
    return side


def request_post_message(*, actor, request: Request, text: str, now: datetime, attachments=()) -> RequestMessage:
    """A message in the thread, from either party, with up to 5 attachments. From the side that must react (not
    for a question, which is reacted to by its answer or by being marked laborious) it is the reaction and
    stops the reaction clock. Sending the same text again right after gives the same message."""
    side = _require_party(actor, request)
    text = _text(text, field="text", code="message_required", required=_("Typ uw bericht."))
    checked = _check_files(attachments)
    with transaction.atomic():
        locked = _locked(request)
        if locked.status in (S.ANSWERED, S.CLOSED, S.WITHDRAWN) or (
                locked.status == S.DECIDED and locked.kind != K.INNOVATION):
            raise ConflictError("request_closed", _("Dit verzoek is afgehandeld; berichten kunnen niet meer. Dien zo "
                                                    "nodig een nieuw verzoek in."))
        last = locked.messages.order_by("-sent_at", "-id").first()
        if last is not None and last.author_id == actor.pk and last.text == text:
            return last
        message = RequestMessage.objects.create(request=locked, author=actor, side=side, text=text, sent_at=now)
        _save_files(checked, request=locked, message=message, actor=actor, now=now)
        reacting = side != locked.side and locked.kind != K.QUESTION and locked.reacted_at is None
        if reacting:
            _mark_reacted(actor, locked, now)
        audit_record(actor=actor, verb="contracting.request.message", obj=locked,
                     after={"side": side, "message": message.pk, "attachments": len(checked), "reaction": reacting})
        to_side = Request.Side.INSURER if side == Request.Side.HOLDER else Request.Side.HOLDER
        _notify_other_side(locked, key=f"request-message:{message.pk}", to_side=to_side,
                           subject=N_("Nieuw bericht: %(subject)s"), body=N_("%(holder)s en %(insurer)s: %(kind)s."))
    return message


def _mark_reacted(actor, locked: Request, now: datetime) -> None:
    locked.reacted_at = now
    fields = ["reacted_at"]
    if locked.status == S.OPEN:
        locked.status = S.IN_PROGRESS
        fields.append("status")
    locked.save(update_fields=fields)
    clock_done(actor=actor, obj=locked, kind=reaction_clock_kind(locked.kind), at=now)


def request_mark_laborious(*, actor, request: Request, reason: str, now: datetime) -> Request:
    """A purchaser marks a holder's question (or maatwerk, innovation or module request) laborious, with the
    reason: that is the reaction within 5 working days, and it is settled within 2 working weeks from when it
    was raised (a second clock, shown beside the first). Marking it again with the same reason changes nothing."""
    require_insurer_purchaser(actor, request.insurer_id)
    reason = _text(reason, field="reason", code="reason_required",
                   required=_("Leg uit waarom de vraag bewerkelijk is."))
    with transaction.atomic():
        locked = _locked(request)
        if locked.kind not in LABORIOUS_KINDS or locked.side != Request.Side.HOLDER:
            raise ConflictError("not_laborious_kind", _("Alleen een vraag of verzoek van de zorgaanbieder kan "
                                                        "bewerkelijk worden verklaard."))
        if locked.laborious_at is not None:
            if locked.laborious_reason == reason:
                return locked
            raise ConflictError("already_laborious", _("Dit verzoek is al bewerkelijk verklaard."))
        if locked.status not in (S.OPEN, S.IN_PROGRESS):
            raise ConflictError("request_settled", _("Dit verzoek is al afgehandeld."))
        locked.laborious_reason, locked.laborious_at = reason, now
        locked.save(update_fields=["laborious_reason", "laborious_at"])
        if locked.reacted_at is None:
            _mark_reacted(actor, locked, now)
        # "Afhandeling van meer bewerkelijke vragen geschiedt uiterlijk binnen 2 werkweken": from the question.
        clock_start(actor=actor, obj=locked, kind=REQUEST_SETTLE_CLOCK, started_at=locked.raised_at)
        audit_record(actor=actor, verb="contracting.request.laborious", obj=locked,
                     after={"reason": reason, "settle_due_at": locked.settle_due_at})
        _notify_other_side(locked, to_side=Request.Side.HOLDER, key=f"request-laborious:{locked.pk}",
                           subject=N_("Bewerkelijk: %(subject)s"),
                           body=N_("%(insurer)s heeft uw verzoek bewerkelijk verklaard en handelt het uiterlijk "
                                   "%(last_day)s af."), params={"last_day": day(last_day(locked.settle_due_at))})
    return locked


def _settle_clocks(actor, locked: Request, now: datetime) -> None:
    if locked.reacted_at is None:
        locked.reacted_at = now
        locked.save(update_fields=["reacted_at"])
    clock_done(actor=actor, obj=locked, kind=reaction_clock_kind(locked.kind), at=now)
    clock_done(actor=actor, obj=locked, kind=REQUEST_SETTLE_CLOCK, at=now)


def question_answer(*, actor, question: Request, answer: str, now: datetime) -> Request:
    """A purchaser of the insurer answers a question: both its clocks stop. Answering the same again changes
    nothing; another answer to an answered question is refused."""
    require_insurer_purchaser(actor, question.insurer_id)
    answer = _text(answer, field="answer", code="answer_required", required=_("Typ uw antwoord."))
    with transaction.atomic():
        locked = _locked(question)
        if locked.kind != K.QUESTION:
            raise ConflictError("not_a_question", _("Alleen een vraag wordt beantwoord; neem een besluit."))
        if locked.answered_at is not None:
            if locked.answer == answer:
                return locked
            raise ConflictError("already_answered", _("Deze vraag is al beantwoord."))
        if locked.status == S.WITHDRAWN:
            raise ConflictError("request_withdrawn", _("Deze vraag is ingetrokken."))
        locked.answer, locked.answered_by, locked.answered_at, locked.status = answer, actor, now, S.ANSWERED
        locked.save(update_fields=["answer", "answered_by", "answered_at", "status"])
        _settle_clocks(actor, locked, now)
        audit_record(actor=actor, verb="contracting.question.answered", obj=locked,
                     after={"late": now >= locked.due_at})
        _notify_other_side(locked, to_side=Request.Side.HOLDER, key=f"request-answered:{locked.pk}",
                           subject=N_("Antwoord: %(subject)s"),
                           body=N_("%(insurer)s heeft uw vraag beantwoord."))
    return locked


# --- Decisions and appeal -----------------------------------------------------------------------------------
def _criteria(request: Request, criteria) -> list[InnovationCriterion]:
    """The cited criteria, each one of the insurer's published criteria for the proposal's year."""
    criteria = list(criteria or [])
    ids = [getattr(c, "pk", c) for c in criteria]
    found = list(InnovationCriterion.objects.filter(
        pk__in=ids, criteria__insurer_id=request.insurer_id, criteria__year=request.year,
        criteria__published_at__isnull=False).order_by("number"))
    if len(found) != len(set(ids)):
        raise PortalError("criterion_unknown", _("Een afwijzing kan alleen steunen op de gepubliceerde "
                                                 "toetsingscriteria van deze verzekeraar voor %(year)s.")
                          % {"year": request.year}, fields={"criteria": [_("Geen gepubliceerd criterium.")]})
    return found


def _decision_input(request: Request, outcome: str, reasons: str, criteria) -> tuple[str, list]:
    if outcome not in Request.Outcome.values:
        raise PortalError("outcome_required", _("Kies toegekend, gedeeltelijk toegekend of afgewezen."),
                          fields={"outcome": [_("Verplicht.")]})
    reasons = (reasons or "").replace("\r\n", "\n").strip()
    if outcome != Request.Outcome.GRANTED and not reasons:
        raise PortalError("reasons_required", _("Motiveer een (gedeeltelijke) afwijzing."),
                          fields={"reasons": [_("Verplicht.")]})
    if len(reasons) > TEXT_MAX:
        raise PortalError("reasons_too_long", _("Ten hoogste 5.000 tekens."), fields={"reasons": [_("Te lang.")]})
    cited = []
    if request.kind == K.INNOVATION and outcome != Request.Outcome.GRANTED:
        # GCP: "Afwijzing kan alleen op basis van deze vooraf geformuleerde eisen en wordt gemotiveerd."
        if not criteria:
            raise PortalError("criterion_required", _("Noem bij een afwijzing ten minste één van uw gepubliceerde "
                                                      "toetsingscriteria."), fields={"criteria": [_("Verplicht.")]})
        cited = _criteria(request, criteria)
    return reasons, cited


def request_decide(*, actor, request: Request, outcome: str, reasons: str = "", criteria=(),
                   now: datetime) -> Request:
    """A purchaser decides on maatwerk, an innovation proposal or a module change request: granted, partly or
    refused, with reasons (an innovation refusal also cites published criteria). Stops the clocks; a refusal
    or partial grant of an innovation proposal opens the appeal window. The same decision again changes
    nothing; another one is refused."""
    require_insurer_purchaser(actor, request.insurer_id)
    if request.kind not in DECIDED_KINDS:
        raise ConflictError("not_decidable", _("Op dit soort verzoek wordt niet besloten."))
    reasons, cited = _decision_input(request, outcome, reasons, criteria)
    with transaction.atomic():
        locked = _locked(request)
        if locked.decided_at is not None:
            if (locked.outcome, locked.outcome_reasons) == (outcome, reasons):
                return locked
            raise ConflictError("already_decided", _("Op dit verzoek is al besloten."))
        if locked.status == S.WITHDRAWN:
            raise ConflictError("request_withdrawn", _("Dit verzoek is ingetrokken."))
        locked.outcome, locked.outcome_reasons, locked.decided_by, locked.decided_at = outcome, reasons, actor, now
        locked.status = S.DECIDED
        locked.save(update_fields=["outcome", "outcome_reasons", "decided_by", "decided_at", "status"])
        locked.criteria_cited.set(cited)
        _settle_clocks(actor, locked, now)
        if locked.kind == K.INNOVATION and outcome != Request.Outcome.GRANTED:
            clock_start(actor=actor, obj=locked, kind=APPEAL_WINDOW_CLOCK, started_at=now)
        audit_record(actor=actor, verb="contracting.request.decided", obj=locked,
                     after={"outcome": outcome, "criteria": [c.pk for c in cited], "late": now >= locked.due_at})
        _notify_other_side(locked, to_side=Request.Side.HOLDER, key=f"request-decided:{locked.pk}",
                           subject=N_("Besluit: %(subject)s"),
                           body=N_("%(insurer)s heeft besloten op uw verzoek (%(kind)s)."))
    return locked


def request_appeal(*, actor, request: Request, text: str, now: datetime) -> Request:
    """The proposer lodges its one appeal (beroep) against the refusal or partial grant of an innovation
    proposal, within the appeal window. A second appeal, an appeal before the decision or after the window,
    and an appeal by anyone but the holder's people are refused; the same appeal again changes nothing."""
    from ..selectors.clocks import clock_of

    if actor is None or not is_request_holder_member(actor, request):
        raise Forbidden("holder_only", _("Alleen de indiener van het voorstel kan in beroep gaan."))
    text = _text(text, field="text", code="appeal_required", required=_("Schrijf waarom u in beroep gaat."))
    with transaction.atomic():
        locked = _locked(request)
        if locked.kind != K.INNOVATION:
            raise ConflictError("no_appeal", _("Beroep is alleen mogelijk tegen een besluit op een innovatievoorstel."))
        if locked.appealed_at is not None:
            if locked.appeal_text == text and locked.appealed_by_id == actor.pk:
                return locked
            raise ConflictError("appeal_already_lodged", _("U heeft al beroep ingesteld; dat kan één keer."))
        if locked.decided_at is None:
            raise ConflictError("not_decided", _("Beroep kan pas na het besluit op uw voorstel."))
        if locked.outcome == Request.Outcome.GRANTED:
            raise ConflictError("granted", _("Uw voorstel is toegekend; beroep is niet nodig."))
        window = clock_of(locked, APPEAL_WINDOW_CLOCK)
        if window is not None and now >= window.due_at:
            raise ConflictError("appeal_window_closed", _("De beroepstermijn is verstreken: beroep kon tot en met "
                                                          "%(day)s.") % {"day": _date(last_day(window.due_at))})
        locked.appeal_text, locked.appealed_by, locked.appealed_at, locked.status = text, actor, now, S.APPEALED
        locked.save(update_fields=["appeal_text", "appealed_by", "appealed_at", "status"])
        clock_done(actor=actor, obj=locked, kind=APPEAL_WINDOW_CLOCK, at=now)
        audit_record(actor=actor, verb="contracting.request.appealed", obj=locked, after={"appealed_at": now})
        _notify_other_side(locked, to_side=Request.Side.INSURER, key=f"request-appeal:{locked.pk}",
                           subject=N_("Beroep: %(subject)s"),
                           body=N_("%(holder)s gaat in beroep tegen het besluit. Een andere zorginkoper dan wie "
                                   "besloot, beslist op het beroep."))
    return locked


def request_decide_appeal(*, actor, request: Request, outcome: str, reasons: str = "", criteria=(),
                          now: datetime) -> Request:
    """Another purchaser of the insurer than the one who decided first decides the appeal (a refusal again
    cites published criteria, with reasons). The same decision again changes nothing."""
    require_insurer_purchaser(actor, request.insurer_id)
    reasons, cited = _decision_input(request, outcome, reasons, criteria)
    with transaction.atomic():
        locked = _locked(request)
        if locked.appealed_at is None:
            raise ConflictError("no_appeal_lodged", _("Er is geen beroep ingesteld."))
        if locked.appeal_decided_at is not None:
            if (locked.appeal_outcome, locked.appeal_reasons) == (outcome, reasons):
                return locked
            raise ConflictError("appeal_decided", _("Op dit beroep is al beslist."))
        if actor is not None and actor.pk == locked.decided_by_id:
            raise Forbidden("same_purchaser", _("Op een beroep beslist een andere zorginkoper dan wie het eerste "
                                                "besluit nam."))
        locked.appeal_outcome, locked.appeal_reasons = outcome, reasons
        locked.appeal_decided_by, locked.appeal_decided_at, locked.status = actor, now, S.DECIDED
        locked.save(update_fields=["appeal_outcome", "appeal_reasons", "appeal_decided_by", "appeal_decided_at",
                                   "status"])
        if cited:
            locked.criteria_cited.add(*cited)
        audit_record(actor=actor, verb="contracting.request.appeal_decided", obj=locked,
                     after={"outcome": outcome, "criteria": [c.pk for c in cited]})
        _notify_other_side(locked, to_side=Request.Side.HOLDER, key=f"request-appeal-decided:{locked.pk}",
                           subject=N_("Besluit op beroep: %(subject)s"),
                           body=N_("%(insurer)s heeft op uw beroep beslist."))
    return locked


# --- Disputes, withdrawing, closing ------------------------------------------------------------------------
def request_escalate(*, actor, request: Request, now: datetime) -> Request:
    """Either party takes a dispute to the geschillencommissie once consultation has failed: the other side has
    reacted, or its 2 weeks to react have passed. Safe to repeat."""
    side = _require_party(actor, request)
    with transaction.atomic():
        locked = _locked(request)
        if locked.kind != K.DISPUTE:
            raise ConflictError("not_a_dispute", _("Alleen een geschil kan naar de geschillencommissie."))
        if locked.status == S.ESCALATED:
            return locked
        if locked.status in (S.CLOSED, S.WITHDRAWN):
            raise ConflictError("request_closed", _("Dit geschil is afgerond."))
        if locked.reacted_at is None and now < locked.due_at:
            raise ConflictError("consult_first", _("Eerst overleg: de geschillencommissie kan zodra de andere partij "
                                                   "heeft gereageerd of uiterlijk %(day)s niet heeft gereageerd.")
                                % {"day": _date(last_day(locked.due_at))})
        locked.status, locked.escalated_by, locked.escalated_at = S.ESCALATED, actor, now
        locked.save(update_fields=["status", "escalated_by", "escalated_at"])
        clock_cancel(actor=actor, obj=locked, kind=KNELPUNT_REACTION_CLOCK, at=now, reason="escalated")
        audit_record(actor=actor, verb="contracting.request.escalated", obj=locked, after={"side": side})
        to_side = Request.Side.INSURER if side == Request.Side.HOLDER else Request.Side.HOLDER
        _notify_other_side(locked, key=f"request-escalated:{locked.pk}", to_side=to_side,
                           subject=N_("Naar de geschillencommissie: %(subject)s"),
                           body=N_("Het geschil tussen %(holder)s en %(insurer)s is voorgelegd aan de "
                                   "geschillencommissie."))
    return locked


def request_withdraw(*, actor, request: Request, now: datetime) -> Request:
    """The side that raised an open request withdraws it; its clocks are cancelled. Safe to repeat."""
    side = _require_party(actor, request)
    with transaction.atomic():
        locked = _locked(request)
        if locked.status == S.WITHDRAWN:
            return locked
        if side != locked.side:
            raise Forbidden("not_raiser", _("Alleen de partij die het verzoek indiende kan het intrekken."))
        if locked.status not in (S.OPEN, S.IN_PROGRESS):
            raise ConflictError("request_settled", _("Dit verzoek is al afgehandeld."))
        locked.status, locked.closed_at = S.WITHDRAWN, now
        locked.save(update_fields=["status", "closed_at"])
        for kind in (reaction_clock_kind(locked.kind), REQUEST_SETTLE_CLOCK):
            clock_cancel(actor=actor, obj=locked, kind=kind, at=now, reason="withdrawn")
        audit_record(actor=actor, verb="contracting.request.withdrawn", obj=locked)
    return locked


def request_close(*, actor, request: Request, now: datetime) -> Request:
    """The side that raised a knelpunt or dispute marks it settled (after the reaction). Safe to repeat."""
    side = _require_party(actor, request)
    with transaction.atomic():
        locked = _locked(request)
        if locked.status == S.CLOSED:
            return locked
        if locked.kind not in (K.KNELPUNT, K.DISPUTE):
            raise ConflictError("not_closable", _("Alleen een knelpunt of geschil wordt zo afgerond."))
        if side != locked.side:
            raise Forbidden("not_raiser", _("Alleen de partij die het knelpunt inbracht kan het afronden."))
        if locked.status == S.WITHDRAWN:
            raise ConflictError("request_withdrawn", _("Dit verzoek is ingetrokken."))
        locked.status, locked.closed_at = S.CLOSED, now
        locked.save(update_fields=["status", "closed_at"])
        clock_cancel(actor=actor, obj=locked, kind=KNELPUNT_REACTION_CLOCK, at=now, reason="closed")
        audit_record(actor=actor, verb="contracting.request.closed", obj=locked)
    return locked


def _date(value) -> str:
    from django.utils import formats

    return formats.date_format(value, "j F Y")




# --- Published assessment criteria for innovation proposals -------------------------------------------------
def innovation_criteria_publish(*, actor, insurer, year: int, method: str, items, now: datetime):
    """A purchaser publishes the insurer's requirements for innovation proposals of `year` and how they are
    applied: at least one requirement (title, explanation), numbered in the order given. Published once; the
    same publication again changes nothing, other content for a published year is refused (a refusal must cite
    what was public when the proposal was made)."""
    from ..models import InnovationCriteria

    require_insurer_purchaser(actor, insurer.pk)
    method = _text(method, field="method", code="method_required",
                   required=_("Beschrijf hoe u de criteria toepast."))
    rows = [((title or "").strip(), (explanation or "").strip()) for title, explanation in items or []]
    rows = [(title, explanation) for title, explanation in rows if title or explanation]
    if not rows:
        raise PortalError("criteria_required", _("Noem ten minste één eis waaraan een projectvoorstel moet voldoen."),
                          fields={"items": [_("Verplicht.")]})
    if any(not title for title, _explanation in rows):
        raise PortalError("criterion_title_required", _("Geef elke eis een korte naam."),
                          fields={"items": [_("Naam ontbreekt.")]})
    if any(len(title) > 200 for title, _explanation in rows):
        raise PortalError("criterion_title_too_long", _("De naam van een eis is ten hoogste 200 tekens."),
                          fields={"items": [_("Te lang.")]})
    with transaction.atomic():
        type(insurer).objects.select_for_update().filter(pk=insurer.pk).first()
        existing = InnovationCriteria.objects.filter(insurer=insurer, year=year).first()
        if existing is not None and existing.published_at is not None:
            same = existing.method == method and [(c.title, c.explanation) for c in existing.items.all()] == rows
            if same:
                return existing
            raise ConflictError("criteria_published", _("De toetsingscriteria voor %(year)s zijn al gepubliceerd en "
                                                        "blijven zoals ze zijn.") % {"year": year})
        criteria = existing or InnovationCriteria(insurer=insurer, year=year)
        criteria.method, criteria.published_at, criteria.published_by = method, now, actor
        criteria.save()
        criteria.items.all().delete()
        InnovationCriterion.objects.bulk_create([
            InnovationCriterion(criteria=criteria, number=i, title=title, explanation=explanation)
            for i, (title, explanation) in enumerate(rows, start=1)])
        audit_record(actor=actor, verb="contracting.innovation_criteria.published", obj=criteria,
                     after={"year": year, "criteria": [title for title, _explanation in rows]})
    return criteria


# --- Maatwerk amends the contract -------------------------------------------------------------------------------
def request_addendum_refusal(request: Request) -> ConflictError | None:
    """Why no addendum can follow `request`, or None: only granted (or partly granted) maatwerk on a signed
    contract leads to one. Asked by request_propose_addendum and by the request page before it offers the form."""
    if request.kind != K.MAATWERK:
        return ConflictError("not_maatwerk", _("Alleen een maatwerkverzoek leidt tot een addendum."))
    if request.outcome not in (Request.Outcome.GRANTED, Request.Outcome.PARTLY):
        return ConflictError("not_granted", _("Een addendum volgt op (gedeeltelijk) toegekend maatwerk."))
    if request.offer_id is None:
        return ConflictError("no_contract", _("Dit verzoek hoort niet bij een contract. Een addendum kan alleen "
                                              "op een ondertekend contract."))
    if request.offer.status != Offer.Status.SIGNED:
        return ConflictError("offer_not_signed", _("Alleen een ondertekend contract kan een addendum krijgen."))
    return None


def request_propose_addendum(*, actor, request: Request, title: str, text: str, changes, effective_from,
                             now: datetime):
    """After granting maatwerk (wholly or partly) on a signed contract, a purchaser proposes the addendum that
    amends it (contracting.services.addendum_propose, kind maatwerk), which the holder's signatory signs or
    refuses; the request keeps the link. Proposing again while one is proposed or signed gives that one; after a
    refused or withdrawn addendum a new proposal takes its place."""
    from ..models import ContractAddendum
    from .addenda import addendum_propose

    require_insurer_purchaser(actor, request.insurer_id)
    with transaction.atomic():
        locked = _locked(request)
        refusal = request_addendum_refusal(locked)
        if refusal is not None:
            raise refusal
        if locked.addendum_id is not None:
            current = ContractAddendum.objects.get(pk=locked.addendum_id)
            if current.status in (ContractAddendum.Status.PROPOSED, ContractAddendum.Status.ACCEPTED):
                return current
        addendum = addendum_propose(actor=actor, offer=locked.offer, kind=ContractAddendum.Kind.MAATWERK,
                                    title=title, text=text, changes=changes, effective_from=effective_from, now=now)
        locked.addendum = addendum
        locked.save(update_fields=["addendum"])
        audit_record(actor=actor, verb="contracting.request.addendum_proposed", obj=locked,
                     after={"addendum": addendum.pk})
    return addendum
