"""What waits on a user now, per role, as short sentences with a link: the home page's "Wat wacht op u" and the
demo logins' "Nu te doen" read it here, from the same counts and deadlines the role's own pages show (the
inbox, the signing window, the offers, the NZa tariffs). A few queries per membership, however much data."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, Notification, Role
from insurers.models import Insurer, PolicyVersion

from ..calendar import Deadline, MilestoneKind
from ..models import (
    ContractAddendum,
    FollowRequest,
    HolderKind,
    Module,
    Offer,
    Request,
    Segment,
    StandardContract,
)
from ..workdays import QUESTION_WORKING_DAYS
from .calendar import Timeline, year_deadlines
from .dashboards import inbox_counts, unsigned_offers


@dataclass(frozen=True)
class Task:
    text: str  # in the reader's language
    url: str
    urgent: bool = False  # past its deadline


# The apps above contracting add what waits in them (an open survey, a position awaiting the insurer) without
# contracting knowing them: each registers a source from its AppConfig.ready(), as it registers its deadlines
# with the engine. A source takes the memberships of one user and `now`, and returns its tasks in a query or two.
TaskSource = Callable[[list[Membership], datetime], list[Task]]
_SOURCES: dict[str, TaskSource] = {}


def register_task_source(name: str, source: TaskSource) -> None:
    _SOURCES[name] = source


def _day(deadline: Deadline) -> str:
    return date_format(deadline.day, "j F Y")


class TaskReader:
    """The tasks of one or more memberships in contract year `year` at `now`; reads shared by all of them
    (the year's deadlines, the number of insurers) are read once."""

    def __init__(self, year: int, now: datetime, *, timeline: Timeline | None = None):
        self.year, self.now = year, now
        # The home page has the year's milestones already, in its timeline.
        self.deadlines = ({e.kind: Deadline.of(e.due_at, now, boundary=e.boundary) for e in timeline.entries}
                          if timeline is not None else year_deadlines(year, now))
        self._insurers: int | None = None

    def _window(self) -> str | None:
        opens = self.deadlines.get(MilestoneKind.SIGNING_OPEN)
        closes = self.deadlines.get(MilestoneKind.SIGNING_CLOSE)
        if opens is None or closes is None:
            return None
        return "closed" if closes.passed else "open" if opens.passed else "before"

    def tasks(self, memberships: list[Membership]) -> list[Task]:
        """The tasks of these memberships (of one user), in membership order: per insurer the user buys for
        about five queries, for all the user's practices together three, for the NZa one."""
        tasks = []
        for insurer_id in dict.fromkeys(m.insurer_id for m in memberships if m.role == Role.INSURER_PURCHASER):
            tasks += self._purchaser(insurer_id)
        practice_roles: dict[int, set[str]] = {}
        for m in memberships:
            if m.role in (Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY):
                practice_roles.setdefault(m.practice_id, set()).add(m.role)
        if practice_roles:
            tasks += self._practices(memberships[0].user_id, practice_roles)
        if any(m.role == Role.NZA_ANALYST for m in memberships):
            tasks += self._nza()
        for source in _SOURCES.values():
            tasks += source(memberships, self.now)
        return tasks

    def _purchaser(self, insurer_id: int) -> list[Task]:
        year, tasks = self.year, []
        waiting = inbox_counts(insurer_id=insurer_id, now=self.now)
        inbox = reverse("purchasing:inbox")
        follow, questions = waiting["follow_requests"], waiting["questions"]
        if follow["open"]:
            tasks.append(Task(ngettext("%(n)d volgverzoek wacht op uw besluit",
                                       "%(n)d volgverzoeken wachten op uw besluit", follow["open"])
                              % {"n": follow["open"]}, inbox, urgent=bool(follow["overdue"])))
        within = ngettext("binnen %(days)d werkdag", "binnen %(days)d werkdagen", QUESTION_WORKING_DAYS) % {
            "days": QUESTION_WORKING_DAYS}
        if questions["overdue"]:
            tasks.append(Task(ngettext("%(n)d vraag is niet %(within)s beantwoord",
                                       "%(n)d vragen zijn niet %(within)s beantwoord", questions["overdue"])
                              % {"n": questions["overdue"], "within": within}, inbox, urgent=True))
        inside = questions["open"] - questions["overdue"]
        if inside:
            tasks.append(Task(ngettext("%(n)d vraag te beantwoorden %(within)s",
                                       "%(n)d vragen te beantwoorden %(within)s", inside)
                              % {"n": inside, "within": within}, inbox))
        requests = waiting["requests"]
        if requests["open"]:
            tasks.append(Task(ngettext("%(n)d verzoek (maatwerk, innovatie, knelpunt …) wacht op u",
                                       "%(n)d verzoeken (maatwerk, innovatie, knelpunt …) wachten op u",
                                       requests["open"]) % {"n": requests["open"]},
                              inbox, urgent=bool(requests["overdue"])))
        policy_due = self.deadlines.get(MilestoneKind.POLICY_PUBLICATION)
        if policy_due and not PolicyVersion.objects.filter(policy__insurer_id=insurer_id, policy__year=year).exists():
            url = reverse("purchasing:policy", args=[year])
            if policy_due.passed:
                tasks.append(Task(_("Inkoopbeleid %(year)s publiceren: te laat") % {"year": year}, url, urgent=True))
            else:
                tasks.append(Task(_("Inkoopbeleid %(year)s publiceren, uiterlijk %(day)s")
                                  % {"year": year, "day": _day(policy_due)}, url))
        offers_due = self.deadlines.get(MilestoneKind.INDIVIDUAL_OFFERS_FINAL)
        statuses = dict(StandardContract.objects.filter(insurer_id=insurer_id, holder_kind=HolderKind.PRACTICE,
                                                        first_year=year).values_list("status", "pk"))
        if (offers_due and not offers_due.passed and StandardContract.Status.DRAFT in statuses
                and StandardContract.Status.PUBLISHED not in statuses):
            tasks.append(Task(_("Concept-standaardcontract %(year)s afmaken en publiceren, uiterlijk %(day)s")
                              % {"year": year, "day": _day(offers_due)},
                              reverse("purchasing:contract_edit", args=[statuses[StandardContract.Status.DRAFT]])))
        if self._window() == "open":
            unsigned = unsigned_offers(insurer_id=insurer_id, year=year).count()
            if unsigned:
                tasks.append(Task(ngettext("Ondertekening volgen: %(n)d praktijk tekende nog niet",
                                           "Ondertekening volgen: %(n)d praktijken tekenden nog niet", unsigned)
                                  % {"n": unsigned}, reverse("purchasing:dashboard") + f"?year={year}"))
        return tasks

    def _practices(self, user_id: int, roles: dict[int, set[str]]) -> list[Task]:
        """A practice's people: offers to read, sign or offer to other insurers, and their questions waiting."""
        year, tasks, window = self.year, [], self._window()
        closes = self.deadlines.get(MilestoneKind.SIGNING_CLOSE)
        opens = self.deadlines.get(MilestoneKind.SIGNING_OPEN)
        follow_due = self.deadlines.get(MilestoneKind.FOLLOW_DECISIONS_DUE)
        offers = (Offer.objects.filter(practice_id__in=roles, year=year).select_related("insurer")
                  .annotate(follow_requests_count=Count("follow_requests")).order_by("practice_id", "pk"))
        for offer in offers:
            detail = reverse("offers:detail", args=[offer.pk])
            insurer = offer.insurer.name
            if offer.status == Offer.Status.OPEN and window == "open":
                if Role.PRACTICE_SIGNATORY in roles[offer.practice_id]:
                    tasks.append(Task(_("Contract van %(insurer)s ondertekenen, uiterlijk %(day)s")
                                      % {"insurer": insurer, "day": _day(closes)},
                                      reverse("offers:sign", args=[offer.pk])))
                else:
                    tasks.append(Task(_("Modules kiezen en de tekenbevoegde vragen het contract van %(insurer)s "
                                        "te ondertekenen") % {"insurer": insurer}, detail))
            elif offer.status == Offer.Status.OPEN and window == "before":
                tasks.append(Task(_("Aanbod van %(insurer)s bekijken en modules kiezen; ondertekenen kan vanaf "
                                    "%(day)s") % {"insurer": insurer, "day": _day(opens)}, detail))
            elif offer.status == Offer.Status.SIGNED and follow_due and not follow_due.passed:
                if self._insurers is None:
                    self._insurers = Insurer.objects.count()
                left = self._insurers - 1 - offer.follow_requests_count
                if left > 0:
                    tasks.append(Task(ngettext(
                        "Ondertekend contract van %(insurer)s aanbieden aan een andere verzekeraar (nog %(n)d)",
                        "Ondertekend contract van %(insurer)s aanbieden aan andere verzekeraars (nog %(n)d)", left)
                        % {"insurer": insurer, "n": left}, reverse("offers:follow", args=[offer.pk])))
        # Addenda the insurer proposed on a signed contract (of any year), for its signatories to sign or refuse.
        signing = [practice_id for practice_id, practice_roles in roles.items()
                   if Role.PRACTICE_SIGNATORY in practice_roles]
        if signing:
            for addendum in (ContractAddendum.objects.filter(offer__practice_id__in=signing,
                                                            status=ContractAddendum.Status.PROPOSED)
                             .select_related("offer__insurer").order_by("proposed_at", "pk")):
                tasks.append(Task(_("Addendum %(number)d van %(insurer)s lezen en ondertekenen of weigeren")
                                  % {"number": addendum.number, "insurer": addendum.offer.insurer.name},
                                  reverse("offers:addendum", args=[addendum.pk])))
        mine = list(Request.objects.filter(
            kind=Request.Kind.QUESTION, offer__practice_id__in=roles, raised_by_id=user_id, answered_at__isnull=True,
            status__in=[Request.Status.OPEN, Request.Status.IN_PROGRESS],
        ).order_by("raised_at").values_list("offer_id", flat=True))
        if mine:
            tasks.append(Task(ngettext("U wacht op antwoord op %(n)d vraag", "U wacht op antwoord op %(n)d vragen",
                                       len(mine)) % {"n": len(mine)},
                              reverse("offers:detail", args=[mine[0]]) + "#vragen"))
        # Decisions on this year's follow requests that the user has not read yet (the notice's key is the
        # one services.follow gives it).
        decided = (FollowRequest.objects.filter(offer__practice_id__in=roles, year=year)
                   .exclude(status=FollowRequest.Status.PENDING)
                   .annotate(key=Concat(Value("follow-decided:"), Cast("pk", CharField()))).values("key"))
        decisions = Notification.objects.filter(user_id=user_id, read_at__isnull=True, key__in=decided).count()
        if decisions:
            tasks.append(Task(ngettext("%(n)d besluit op een volgverzoek ongelezen in uw meldingen",
                                       "%(n)d besluiten op volgverzoeken ongelezen in uw meldingen", decisions)
                              % {"n": decisions}, reverse("accounts:inbox")))
        return tasks

    def _nza(self) -> list[Task]:
        due = self.deadlines.get(MilestoneKind.NZA_TARIFFS)
        missing = Module.objects.filter(segment=Segment.S1, has_nza_max=True).exclude(
            nza_tariffs__year=self.year).count()
        if not (missing and due):
            return []
        return [Task(ngettext("%(n)d NZa-maximumtarief %(year)s vaststellen, uiterlijk %(day)s",
                              "%(n)d NZa-maximumtarieven %(year)s vaststellen, uiterlijk %(day)s", missing)
                     % {"n": missing, "year": self.year, "day": _day(due)},
                     reverse("purchasing:nza_tariffs") + f"?year={self.year}", urgent=due.passed)]


def home_tasks(memberships: list[Membership], timeline: Timeline, now: datetime) -> list[Task]:
    """Everything waiting on the user across its memberships in the timeline's year, what is past its deadline
    first."""
    reader = TaskReader(timeline.contract_year.year, now, timeline=timeline)
    return sorted(reader.tasks(memberships), key=lambda t: not t.urgent)
