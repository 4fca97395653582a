"""Who sees which monitor figures: the one home of these rules. The dashboards, their exports, the API and the
printable monitor all start from `monitor_access(user)` and show a table only through `MonitorAccess.present`.

- The NZa (and administrators) see every cut and every insurer's name, with drill-down to the underlying lists.
- An insurer's purchasers see their own insurer's figures beside the national ones: the insurer filter is
  forced to their own insurer; other insurers appear only as "Zorgverzekeraar A", "B", … (letters stable per
  contract year, the same in every figure, never derived from the name), without drill-down.
- An overlegteam's members see their insurer in their region (filters forced to both), beside the insurer in
  all regions, the region for all insurers and the national figures; other insurers anonymised; no drill-down
  (aggregates only, never a single practice's contract or request).
- A practice's or care group's people see their own position: the figures of their region beside the national
  ones; every insurer anonymised; no drill-down.
- Anyone else (no such role) sees no monitor at all.
Segment and provider type may be chosen freely by everyone who sees the monitor.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.context_processors import PROVIDER_ROLES
from accounts.models import Role
from accounts.selectors import is_nza_or_admin, memberships_of
from core.params import parse_id

from .indicators import Dims
from .models import ProviderType, Segment

NZA = "nza"
INSURER = "insurer"
TEAM = "team"
PROVIDER = "provider"



@dataclass(frozen=True)
class Filters:
    """The cut a viewer asks for; None / "" is "all". The year is chosen beside it."""
    insurer: int | None = None
    region: int | None = None
    segment: str = ""
    provider_type: str = ""

    def dims(self) -> Dims:
        return Dims(insurer=self.insurer, region=self.region, segment=self.segment,
                    provider_type=self.provider_type)

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (only those that are set), for links that reopen the same view."""
        query = {"insurer": self.insurer, "region": self.region, "segment": self.segment,
                 "provider_type": self.provider_type}
        return {k: str(v) for k, v in query.items() if v}


def parse_filters(params: Mapping) -> tuple[int | None, Filters, dict[str, str]]:
    """The year and filters from request parameters, and a Dutch message per parameter that could not be read
    (that parameter is then left at "all"; the dashboard says so, the API answers 400)."""
    errors: dict[str, str] = {}

    def read_id(name, message):
        raw = params.get(name) or ""
        if not raw:
            return None
        value = parse_id(raw)
        if value is None:
            errors[name] = message
        return value

    year = read_id("year", _("Het jaar moet een jaartal zijn, bijvoorbeeld 2027."))
    insurer = read_id("insurer", _("Kies een zorgverzekeraar uit de lijst."))
    region = read_id("region", _("Kies een regio uit de lijst."))
    segment = params.get("segment") or ""
    if segment not in Segment.values:
        errors["segment"] = _("Kies segment 1 of segment 2, of alle segmenten.")
        segment = ""
    provider_type = params.get("provider_type") or ""
    if provider_type not in ProviderType.values:
        errors["provider_type"] = _("Kies een soort zorgaanbieder uit de lijst.")
        provider_type = ""
    return year, Filters(insurer=insurer, region=region, segment=segment, provider_type=provider_type), errors


@dataclass(frozen=True)
class Comparison:
    """A cut shown beside the viewer's own: its label ("Landelijk", "Uw regio", …) and its filters."""
    label: str
    filters: Filters


@dataclass(frozen=True)
class MonitorAccess:
    kind: str | None  # NZA, INSURER, TEAM, PROVIDER or None (no monitor)
    named_insurers: frozenset[int] = frozenset()  # whose names the viewer may see (NZa: all, see names_all)
    insurers: tuple[int, ...] = ()  # the insurers the viewer's cut may be forced to (own / the team's)
    teams: tuple[tuple[int, int], ...] = ()  # an overlegteam's (insurer, region) pairs
    regions: tuple[int, ...] = ()  # a practice's / care group's regions
    practices: tuple[int, ...] = ()
    care_groups: tuple[int, ...] = ()
    letters: dict = field(default_factory=dict, compare=False, hash=False)  # insurer id -> letter, per year

    @property
    def may_view(self) -> bool:
        return self.kind is not None

    @property
    def names_all(self) -> bool:
        return self.kind == NZA

    def name_visible(self, insurer_id: int | None) -> bool:
        return insurer_id is None or self.names_all or insurer_id in self.named_insurers

    def may_see(self, indicator) -> bool:
        """Whether the viewer sees this indicator at all: an NZa-only one (the insurers' questionnaire answers
        per care group) only the NZa; every other one every viewer of the monitor, in its own cut."""
        return self.may_view and (self.names_all or not indicator.nza_only)

    @property
    def may_drill(self) -> bool:
        """Whether drill-down links are shown at all (on the viewer's own cut, on rows it may name)."""
        return self.kind in (NZA, INSURER)

    # --- the cut --------------------------------------------------------------------------------------------
    def scope(self, filters: Filters) -> tuple[Filters, list[str]]:
        """The filters the viewer gets for those asked, and a note for each that was changed."""
        notes: list[str] = []
        if self.kind == NZA:
            return filters, notes
        if self.kind == INSURER:
            insurer = filters.insurer if filters.insurer in self.insurers else self.insurers[0]
            if filters.insurer is not None and filters.insurer != insurer:
                notes.append(_("U ziet de cijfers van uw eigen zorgverzekeraar naast de landelijke cijfers; "
                               "andere zorgverzekeraars zijn niet te kiezen."))
            return replace(filters, insurer=insurer), notes
        if self.kind == TEAM:
            pair = (filters.insurer, filters.region)
            if pair not in self.teams:
                chosen = next((t for t in self.teams if t[0] == filters.insurer), self.teams[0])
                if filters.insurer is not None or filters.region is not None:
                    notes.append(_("U ziet de cijfers van de zorgverzekeraar en de regio van uw overlegteam."))
                pair = chosen
            return replace(filters, insurer=pair[0], region=pair[1]), notes
        if self.kind == PROVIDER:
            region = filters.region if filters.region in self.regions else self.regions[0]
            if (filters.region is not None and filters.region != region) or filters.insurer is not None:
                notes.append(_("U ziet uw eigen positie: de cijfers van uw regio naast de landelijke cijfers."))
            return replace(filters, insurer=None, region=region), notes
        return Filters(), notes

    def comparisons(self, scoped: Filters) -> list[Comparison]:
        """The cuts shown beside the viewer's own (same segment and provider type), never one it may not see."""
        national = Filters(segment=scoped.segment, provider_type=scoped.provider_type)
        out: list[Comparison] = []
        if self.kind == TEAM:
            out.append(Comparison(_("Zorgverzekeraar, alle regio's"), replace(national, insurer=scoped.insurer)))
            out.append(Comparison(_("Regio, alle zorgverzekeraars"), replace(national, region=scoped.region)))
        elif self.kind == INSURER and scoped.region is not None:
            out.append(Comparison(_("Uw zorgverzekeraar, alle regio's"), replace(national, insurer=scoped.insurer)))
            out.append(Comparison(_("Regio, alle zorgverzekeraars"), replace(national, region=scoped.region)))
        if self.kind is not None and scoped != national:
            out.append(Comparison(_("Landelijk"), national))
        return out

    # --- what a table shows ---------------------------------------------------------------------------------
    def letter(self, insurer_id: int) -> str:
        return self.letters.get(insurer_id, "?")

    def anonymous_label(self, insurer_id: int) -> str:
        return _("Zorgverzekeraar %(letter)s") % {"letter": self.letter(insurer_id)}

    def present(self, value: dict | None, *, own_cut: bool) -> dict | None:
        """A snapshot's table as this viewer may see it (a copy): rows (and columns) about an insurer whose name
        the viewer may not see carry its letter instead (label, key; the id is dropped) and no drill-down, in
        letter order after the named rows (see _unordered); drill-down only on the viewer's own cut and only for
        the NZa and an insurer's own rows."""
        if value is None:
            return None
        value = copy.deepcopy(value)
        for col in value.get("columns", []):
            insurer_id = col.get("insurer")
            if insurer_id is not None and not self.name_visible(insurer_id):
                col["label"] = self.anonymous_label(insurer_id)
                col["insurer"] = None
        for row in value.get("rows", []):
            insurer_id = row.get("insurer")
            if insurer_id is not None and not self.name_visible(insurer_id):
                letter = self.letter(insurer_id)
                row.update(label=self.anonymous_label(insurer_id), key=f"insurer:{letter}", insurer=None,
                           drill=None, anonymous=True)
            elif not (own_cut and self.may_drill):
                row["drill"] = None
        if not self.names_all:
            value["rows"] = _unordered(value.get("rows", []))
        return value


def _unordered(rows: list[dict]) -> list[dict]:
    """The insurers' rows in an order that tells nothing about the anonymised ones (a table sorted by name or by
    size would place a letter between two names): the named rows first, then the letters in alphabetical order,
    in the places the insurers' rows had; other rows (totals) stay where they are."""
    places = [i for i, r in enumerate(rows) if r.get("insurer") is not None or r.get("anonymous")]
    ordered = sorted((rows[i] for i in places), key=lambda r: (bool(r.get("anonymous")), len(r["key"]), r["key"])
                     if r.get("anonymous") else (False, 0, ""))
    out = list(rows)
    for place, row in zip(places, ordered, strict=True):
        out[place] = row
    return out


def insurer_letters(year: int, insurer_ids: Iterable[int]) -> dict[int, str]:
    """A letter per insurer for one contract year: ordered by a keyed hash of (year, id), so the same insurer
    has the same letter in every figure of that year, the letters do not follow the names or ids, and they
    differ between years."""
    ordered = sorted(insurer_ids, key=lambda pk: salted_hmac("monitor.insurer-letter", f"{year}:{pk}").hexdigest())
    return {pk: _letters(i) for i, pk in enumerate(ordered)}


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def monitor_access(user) -> MonitorAccess:
    """The viewer's rights, decided from the memberships already read (no query beyond them). The letters are
    filled in per year by `with_letters`."""
    if not user.is_authenticated:
        return MonitorAccess(kind=None)
    if is_nza_or_admin(user):
        return MonitorAccess(kind=NZA)
    memberships = memberships_of(user)
    own = tuple(dict.fromkeys(m.insurer_id for m in memberships if m.role == Role.INSURER_PURCHASER))
    if own:
        return MonitorAccess(kind=INSURER, named_insurers=frozenset(own), insurers=own)
    teams = tuple(dict.fromkeys((m.overleg_team.insurer_id, m.overleg_team.region_id)
                                for m in memberships if m.role == Role.OTH_MEMBER))
    if teams:
        return MonitorAccess(kind=TEAM, named_insurers=frozenset(t[0] for t in teams),
                             insurers=tuple(dict.fromkeys(t[0] for t in teams)), teams=teams)
    providers = [m for m in memberships if m.role in PROVIDER_ROLES]
    if providers:
        regions = tuple(dict.fromkeys((m.practice or m.care_group).region_id for m in providers))
        return MonitorAccess(kind=PROVIDER, regions=regions,
                             practices=tuple(dict.fromkeys(m.practice_id for m in providers if m.practice_id)),
                             care_groups=tuple(dict.fromkeys(m.care_group_id for m in providers
                                                             if m.care_group_id)))
    return MonitorAccess(kind=None)


def with_letters(access: MonitorAccess, year: int, insurer_ids: Iterable[int]) -> MonitorAccess:
    """The access with the year's insurer letters (not needed for the NZa, who sees every name)."""
    if access.names_all:
        return access
    return replace(access, letters=insurer_letters(year, insurer_ids))
