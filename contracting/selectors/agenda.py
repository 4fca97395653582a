"""A user's own deadlines, for their calendar feed (contracting/views/feed.py): the calendar milestones of the
roles they hold, and the running per-object clocks of the organisations they act for (requests, follow
requests, own offers, adjustments; the overleg's positions and knelpunten; the surveys they still have to
submit). The apps above contracting add theirs without contracting knowing them: each registers a source from
its AppConfig.ready() with `register_deadline_source`, as it registers task sources and clocks.

A feed lists what concerns the organisations the user acts for, never everything the user may read: the NZa
and administrators get the calendar, not every practice's request clock. Each source answers in one query
whatever the data (a calendar app fetches the feed every hour or so), and none for a user it does not
concern."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, Role, User

from ..calendar import Audience, display_day, last_day
from ..engine import calendar_rule, clock_kinds
from ..models import Clock, ContractAdjustment, FollowRequest, Milestone, OwnOffer, Request
from .calendar import ALL_AUDIENCES, ROLE_AUDIENCE

# How far back the feed keeps milestones: last year's cycle stays readable in the calendar app, older years
# fall off (the feed stays small however many years the portal has run).
MILESTONES_SINCE = timedelta(days=400)


@dataclass(frozen=True)
class AgendaItem:
    """One deadline as a calendar shows it: an all-day event on the local day a person reads (the last day
    of a "by D" deadline, the first of a "from D" one)."""

    uid: str  # stable over fetches, so a calendar app updates the event instead of adding another
    title: str  # in the reader's language
    day: date
    boundary: str  # "end" ("uiterlijk D") or "start" ("vanaf D")
    path: str  # the page in the portal where it is dealt with
    description: str = ""


@dataclass(frozen=True)
class Organisations:
    """The organisations one user acts for, by kind (from the memberships already loaded)."""

    memberships: tuple[Membership, ...]
    purchasing: frozenset[int]  # insurers the user buys for
    practices: frozenset[int]
    care_groups: frozenset[int]
    overleg_teams: frozenset[int]

    @classmethod
    def of(cls, memberships: Iterable[Membership]) -> "Organisations":
        memberships = tuple(memberships)
        return cls(
            memberships=memberships,
            purchasing=frozenset(m.insurer_id for m in memberships if m.role == Role.INSURER_PURCHASER),
            practices=frozenset(m.practice_id for m in memberships if m.practice_id),
            care_groups=frozenset(m.care_group_id for m in memberships if m.care_group_id),
            overleg_teams=frozenset(m.overleg_team_id for m in memberships if m.overleg_team_id))

    @property
    def holders(self) -> bool:
        return bool(self.practices or self.care_groups)

    def holder_q(self, prefix: str = "") -> Q:
        """The rows whose holder (practice or care group, at `prefix`) is one of the user's."""
        return Q(**{f"{prefix}practice__in": self.practices}) | Q(**{f"{prefix}care_group__in": self.care_groups})


# A source takes the user, their organisations (and memberships) and `now`, and returns its items in a query.
DeadlineSource = Callable[[User, Organisations, datetime], list[AgendaItem]]
_SOURCES: dict[str, DeadlineSource] = {}


def register_deadline_source(name: str, source: DeadlineSource) -> None:
    _SOURCES[name] = source


def user_deadlines(user: User, memberships: list[Membership], now: datetime) -> list[AgendaItem]:
    """Every deadline of `user` (with its `memberships`), by day."""
    orgs = Organisations.of(memberships)
    items = []
    for source in _SOURCES.values():
        items += source(user, orgs, now)
    return sorted(set(items), key=lambda item: (item.day, item.title, item.uid))


def clock_rows(objects: QuerySet, *, fields: dict[str, str]) -> list[dict]:
    """The running clocks on `objects` (a queryset scoped to the user's organisations), as rows with the
    clock's pk, kind, due_at and object_id, and each of `fields` (alias: a field path of the object). Done and
    cancelled clocks are no deadlines any more; an open one past its moment is still listed (it is late).
    One query, however many objects."""
    model = objects.model
    this = model._default_manager.filter(pk=OuterRef("object_id"))
    columns = {alias: Subquery(this.values(path)[:1]) for alias, path in fields.items()}
    return list(Clock.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                     object_id__in=objects.values("pk"),
                                     done_at__isnull=True, cancelled_at__isnull=True)
                .annotate(**columns).values("pk", "kind", "due_at", "object_id", *columns).order_by("due_at", "pk"))


def clock_item(row: dict, *, title: str, path: str, description: str = "") -> AgendaItem:
    """A running clock as an all-day event on its last day, titled by its kind ("Besluit op volgverzoek:
    …")."""
    kind = clock_kinds().get(row["kind"])
    label = str(kind.label) if kind else row["kind"]
    return AgendaItem(uid=f"clock-{row['pk']}", title=f"{label}: {title}", day=last_day(row["due_at"]),
                      boundary="end", path=path, description=description)


# --- Contracting's own sources ------------------------------------------------------------------------------
def milestone_items(user: User, orgs: Organisations, now: datetime) -> list[AgendaItem]:
    """The calendar milestones of the user's roles (an administrator's: all of them), from last year's cycle
    on; reminders that only send notices are left out, as on the calendar pages."""
    audiences = {ROLE_AUDIENCE[m.role] for m in orgs.memberships if m.role in ROLE_AUDIENCE}
    if not audiences:
        return []
    return _milestones(ALL_AUDIENCES if ALL_AUDIENCES in audiences else audiences, now)


def _milestones(audiences, now: datetime) -> list[AgendaItem]:
    items = []
    home = reverse("home")
    for kind, due_at, year, pk in (Milestone.objects.filter(due_at__gte=now - MILESTONES_SINCE)
                                   .values_list("kind", "due_at", "contract_year__year", "pk")):
        rule = calendar_rule(kind)
        if rule is None or not rule.on_timeline:
            continue
        if audiences != ALL_AUDIENCES and not audiences & set(rule.who):
            continue
        day = display_day(due_at, rule.boundary)
        when = (_("Uiterlijk %(day)s") if rule.boundary == "end" else _("Vanaf %(day)s")) % {
            "day": date_format(day, "j F Y")}
        who = ", ".join(str(Audience(a).label) for a in rule.who)
        items.append(AgendaItem(
            uid=f"milestone-{pk}", title=_("%(label)s (contractjaar %(year)s)") % {"label": rule.label, "year": year},
            day=day, boundary=rule.boundary, path=home,
            description=_("%(when)s. Voor: %(who)s.") % {"when": when, "who": who}))
    return items


def request_items(user: User, orgs: Organisations, now: datetime) -> list[AgendaItem]:
    """The clocks of the requests between the user's organisations and the other party: a reaction, a
    laborious request's settlement, an appeal window. Both parties see them; the link is each side's page. An
    insurer's many on one day are one event (see `bundle`)."""
    if not (orgs.purchasing or orgs.holders):
        return []
    requests = Request.objects.filter(Q(insurer__in=orgs.purchasing) | orgs.holder_q())
    items, insurer_side = [], []
    for row in clock_rows(requests, fields={"subject": "subject", "kind_code": "kind", "insurer_id": "insurer_id",
                                            "insurer_name": "insurer__name", "practice_name": "practice__name",
                                            "care_group_name": "care_group__name"}):
        holder = row["practice_name"] or row["care_group_name"]
        subject = row["subject"] or str(Request.Kind(row["kind_code"]).label)
        mine = row["insurer_id"] in orgs.purchasing
        path = reverse("purchasing:request" if mine else "offers:request", args=[row["object_id"]])
        item = clock_item(row, title=f"{subject} ({holder if mine else row['insurer_name']})",
                          path=path, description=_("%(kind)s tussen %(holder)s en %(insurer)s.") % {
                              "kind": Request.Kind(row["kind_code"]).label, "holder": holder,
                              "insurer": row["insurer_name"]})
        if mine:
            insurer_side.append((row, item))
        else:
            items.append(item)
    return items + bundle(insurer_side, path=reverse("purchasing:requests"),
                          count=lambda n: ngettext("%(n)d vraag of verzoek", "%(n)d vragen en verzoeken", n)
                          % {"n": n})


def follow_request_items(user: User, orgs: Organisations, now: datetime) -> list[AgendaItem]:
    """The decision on a follow request: the practice that asked waits for it, the insurer takes it (all of
    them by the same day: one event when there are many, see `bundle`)."""
    if not (orgs.purchasing or orgs.holders):
        return []
    follow = FollowRequest.objects.filter(Q(insurer__in=orgs.purchasing) | orgs.holder_q("offer__"))
    items, insurer_side = [], []
    for row in clock_rows(follow, fields={"insurer_id": "insurer_id", "insurer_name": "insurer__name",
                                          "offer_id": "offer_id", "practice_name": "offer__practice__name",
                                          "care_group_name": "offer__care_group__name"}):
        holder = row["practice_name"] or row["care_group_name"]
        description = _("Volgverzoek van %(holder)s aan %(insurer)s.") % {"holder": holder,
                                                                          "insurer": row["insurer_name"]}
        if row["insurer_id"] in orgs.purchasing:
            path = reverse("purchasing:follow_request", args=[row["object_id"]])
            insurer_side.append((row, clock_item(row, title=holder, description=description, path=path)))
        else:
            items.append(clock_item(row, title=row["insurer_name"], description=description,
                                    path=reverse("offers:follow", args=[row["offer_id"]])))
    return items + bundle(insurer_side, path=reverse("purchasing:inbox"),
                          count=lambda n: ngettext("%(n)d volgverzoek", "%(n)d volgverzoeken", n) % {"n": n})


# More clocks of one kind than this on one day for one insurer are one event in its purchasers' calendar: the
# follow decisions of a large insurer all fall on 31 December, and a calendar with a thousand events that day
# says less than one that says how many.
BUNDLE_ABOVE = 3


def bundle(entries: list[tuple[dict, AgendaItem]], *, path: str, count: Callable[[int], str]) -> list[AgendaItem]:
    """The (clock row, item) pairs of an insurer's side, each as it is, or, for a group of more than
    BUNDLE_ABOVE of one kind on one day for one insurer, one event ("Besluit op volgverzoek: 37
    volgverzoeken") linking to the list where they are dealt with, naming the first few."""
    groups: dict[tuple, list[AgendaItem]] = {}
    for row, item in entries:
        groups.setdefault((row["kind"], item.day, row["insurer_id"]), []).append(item)
    out = []
    for (kind, day, insurer_id), group in groups.items():
        if len(group) <= BUNDLE_ABOVE:
            out += group
            continue
        known = clock_kinds().get(kind)
        label = str(known.label) if known else kind
        first = sorted(item.title.removeprefix(f"{label}: ") for item in group)[:BUNDLE_ABOVE]
        out.append(AgendaItem(uid=f"clocks-{kind}-{day.isoformat()}-insurer-{insurer_id}",
                              title=f"{label}: {count(len(group))}", day=day, boundary="end", path=path,
                              description=", ".join(first) + ", …"))
    return out


def own_offer_items(user: User, orgs: Organisations, now: datetime) -> list[AgendaItem]:
    """The insurer's decision on an own contract offer."""
    if not (orgs.purchasing or orgs.holders):
        return []
    own = OwnOffer.objects.filter(Q(insurer__in=orgs.purchasing) | orgs.holder_q())
    items = []
    for row in clock_rows(own, fields={"offer_title": "title", "insurer_id": "insurer_id"}):
        side = "purchasing" if row["insurer_id"] in orgs.purchasing else "offers"
        items.append(clock_item(row, title=row["offer_title"],
                                path=reverse(f"{side}:own_offer", args=[row["object_id"]])))
    return items


def adjustment_items(user: User, orgs: Organisations, now: datetime) -> list[AgendaItem]:
    """A mid-term adjustment the holder's signatory accepts before the year's signing closes."""
    if not (orgs.purchasing or orgs.holders):
        return []
    adjustments = ContractAdjustment.objects.filter(Q(offer__insurer__in=orgs.purchasing) | orgs.holder_q("offer__"))
    items = []
    fields = {"insurer_id": "offer__insurer_id", "insurer_name": "offer__insurer__name", "addendum_id": "addendum_id",
              "year": "year", "practice_name": "offer__practice__name", "care_group_name": "offer__care_group__name"}
    for row in clock_rows(adjustments, fields=fields):
        holder = row["practice_name"] or row["care_group_name"]
        side = "purchasing" if row["insurer_id"] in orgs.purchasing else "offers"
        items.append(clock_item(
            row, title=f"{row['year']} ({holder if side == 'purchasing' else row['insurer_name']})",
            path=reverse(f"{side}:addendum", args=[row["addendum_id"]])))
    return items
