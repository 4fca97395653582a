"""Reads of the monitor: its stored snapshots as a viewer may see them. Pages, exports, the API and the printable
monitor call `monitor_view`; nothing here recomputes an indicator (monitor/services.py does, in a task).

`monitor_view(*, user, year, filters)` reads, in a fixed number of queries whatever the number of years,
indicators or snapshot rows:
- the years there are (snapshots or contract years), the insurers and regions (the viewer's choices, the
  anonymous letters);
- for each registered indicator the snapshot of the viewer's cut (monitor/access.py decides the cut and what of
  it is shown): a dimension the indicator is not split by is dropped from its cut, with a note on that figure;
- the cuts shown beside it (national, the region, …) and the trend over the years: each year's headline of the
  same cuts;
- the freshness of the year (the latest finished run, and whether the year is published).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Max, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracting.calendar import MilestoneKind
from contracting.models import ContractYear, Milestone, Offer
from contracting.selectors import holder_offers, offers_for_year
from insurers.models import Insurer
from providers.models import Region

from .access import PROVIDER, Comparison, Filters, MonitorAccess, monitor_access, with_letters
from .indicators import Chapter, Dim, Dims, Indicator, all_indicators
from .models import MonitorPublication, MonitorRun, MonitorSnapshot, ProviderType, Segment

_DIM_NOTES = {
    Dim.INSURER: gettext_lazy("Dit cijfer is niet per zorgverzekeraar uitgesplitst; "
                              "u ziet alle zorgverzekeraars samen."),
    Dim.REGION: gettext_lazy("Dit cijfer is niet per regio uitgesplitst; u ziet alle regio's samen."),
    Dim.SEGMENT: gettext_lazy("Dit cijfer is niet per segment uitgesplitst; u ziet alle segmenten samen."),
    Dim.PROVIDER_TYPE: gettext_lazy("Dit cijfer is niet per soort zorgaanbieder uitgesplitst; "
                                    "u ziet alle zorgaanbieders samen."),
}


@dataclass(frozen=True)
class Freshness:
    """How fresh a year's figures are: "berekend op {computed_at} uit gegevens tot {data_until}"."""
    year: int
    computed_at: datetime | None  # the moment the latest done run computed as of (None: nothing computed yet)
    data_until: datetime | None  # the latest change in the data it read (run.source["data_until"], if recorded)
    source: dict = field(default_factory=dict, compare=False, hash=False)
    published_at: datetime | None = None
    run: MonitorRun | None = field(default=None, compare=False, hash=False)

    @property
    def published(self) -> bool:
        return self.published_at is not None


@dataclass
class TrendLine:
    label: str
    values: list  # one per year of MonitorView.years: the headline value, or None


@dataclass
class Figure:
    indicator: Indicator
    dims: Dims  # the cut shown (the viewer's, without the dimensions this indicator is not split by)
    value: dict | None  # the table as the viewer may see it (MonitorAccess.present), None: no snapshot
    computed_at: datetime | None
    notes: list[str]  # why the cut differs from the one asked for
    comparisons: list[tuple[str, dict | None]]  # (label, headline) of the cuts beside it
    trend_years: list[int]
    trend: list[TrendLine]

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def headline(self) -> dict | None:
        return (self.value or {}).get("headline")


@dataclass(frozen=True)
class OwnContract:
    insurer: str  # the insurer's name: the viewer's own contract
    first_year: int
    last_year: int

    @property
    def multi_year(self) -> bool:
        return self.last_year > self.first_year


@dataclass
class MonitorView:
    access: MonitorAccess
    year: int | None
    years: list[int]
    asked: Filters
    filters: Filters  # the cut the viewer gets (monitor/access.py)
    notes: list[str]  # what of the asked filters was changed or could not be read
    figures: list[Figure]
    freshness: Freshness | None
    insurer_choices: list[tuple[int, str]]
    region_choices: list[tuple[int, str]]
    computed: bool = False  # whether the year has any snapshot (else the dashboard says when it will)
    own_contracts: list[OwnContract] | None = None  # a practice's / care group's own signed contracts in force
    segment_choices: list[tuple[str, str]] = field(default_factory=lambda: list(Segment.choices))
    provider_type_choices: list[tuple[str, str]] = field(default_factory=lambda: list(ProviderType.choices))

    @property
    def has_snapshots(self) -> bool:
        """Whether any figure has a snapshot for the viewer's cut."""
        return any(f.value is not None for f in self.figures)

    def chapters(self) -> list[tuple[str, str, list[Figure]]]:
        """(chapter, label, figures) in the monitor's order, chapters without a figure left out."""
        out = []
        for value, label in Chapter.choices:
            figures = [f for f in self.figures if f.indicator.chapter == value]
            if figures:
                out.append((value, str(label), figures))
        return out

    def figure(self, code: str) -> Figure | None:
        return next((f for f in self.figures if f.code == code), None)

    def query(self, **extra) -> dict[str, str]:
        """The URL parameters that reopen this view (year and the viewer's cut)."""
        query = {"year": str(self.year)} if self.year else {}
        query.update(self.filters.as_query())
        query.update({k: v for k, v in extra.items() if v})
        return query


def effective_dims(indicator: Indicator, dims: Dims) -> tuple[Dims, list[str]]:
    """The cut of `dims` this indicator has: each dimension it is not split by is "all", with a note."""
    notes = []
    kept = {}
    for dim, empty in ((Dim.INSURER, None), (Dim.REGION, None), (Dim.SEGMENT, ""), (Dim.PROVIDER_TYPE, "")):
        value = getattr(dims, dim.value)
        if value != empty and dim.value not in indicator.dimensions:
            notes.append(str(_DIM_NOTES[dim]))
            value = empty
        kept[dim.value] = value
    return Dims(**kept), notes


def _cut_q(dims: Dims) -> Q:
    q = Q(segment=dims.segment, provider_type=dims.provider_type)
    q &= Q(insurer__isnull=True) if dims.insurer is None else Q(insurer_id=dims.insurer)
    q &= Q(region__isnull=True) if dims.region is None else Q(region_id=dims.region)
    return q


def _dims_of(row: dict) -> Dims:
    return Dims(insurer=row["insurer_id"], region=row["region_id"], segment=row["segment"],
                provider_type=row["provider_type"])


def _moment(source: dict, key: str) -> datetime | None:
    try:
        return datetime.fromisoformat(source[key]) if source.get(key) else None
    except (TypeError, ValueError):
        return None


def _freshness_of(year: int, run: MonitorRun | None, publication: MonitorPublication | None) -> Freshness:
    source = run.source if run is not None and isinstance(run.source, dict) else {}
    return Freshness(year=year, computed_at=(_moment(source, "as_of") or run.finished_at) if run else None,
                     data_until=_moment(source, "data_until"), source=source, run=run,
                     published_at=publication.published_at if publication else None)


def freshness_by_year(years, *, publications: dict[int, MonitorPublication] | None = None) -> dict[int, Freshness]:
    """The freshness of each of `years` in three queries, whatever the number of years and runs: the latest done
    run (for a published year: the run it was published from), when it computed (the moment it computed as of,
    `source["as_of"]`, else when it finished) and up to which change in the data it read."""
    years = sorted(set(years))
    if publications is None:  # else the caller read them (the years' publications, by year)
        publications = {p.year: p for p in MonitorPublication.objects.filter(year__in=years)}
    latest = dict(MonitorRun.objects.filter(year__in=years, status=MonitorRun.Status.DONE).values("year")
                  .annotate(at=Max("finished_at")).values_list("year", "at"))
    wanted = Q(pk__in=[p.run_id for p in publications.values() if p.run_id])
    for year, at in latest.items():
        if year not in publications:
            wanted |= Q(year=year, status=MonitorRun.Status.DONE, finished_at=at)
    runs: dict[int, MonitorRun] = {}
    if latest or publications:
        for run in MonitorRun.objects.filter(wanted).order_by("pk"):
            runs[run.year] = run  # the latest pk where two finished at the same moment
    return {year: _freshness_of(year, runs.get(year), publications.get(year)) for year in years}


def freshness(year: int) -> Freshness:
    """How fresh the year's figures are: the latest done run (when, from what) and the publication; two queries
    (freshness_by_year for several years)."""
    publication = MonitorPublication.objects.select_related("run").filter(year=year).first()
    if publication is not None and publication.run is not None:
        run = publication.run
    else:
        run = (MonitorRun.objects.filter(year=year, status=MonitorRun.Status.DONE).order_by("-finished_at", "-pk")
               .first())
    return _freshness_of(year, run, publication)


def drill_url(drill: dict | None) -> str | None:
    """The URL of a row's drill-down ({"url_name", "query"}), or None when it does not resolve."""
    if not drill or not drill.get("url_name"):
        return None
    try:
        url = reverse(drill["url_name"], kwargs=drill.get("kwargs") or None)
    except NoReverseMatch:
        return None
    query = {k: v for k, v in (drill.get("query") or {}).items() if v not in (None, "")}
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def monitor_view(*, user, year: int | None, filters: Filters, notes: list[str] | None = None,
                 codes: list[str] | None = None) -> MonitorView:
    """What `user` sees of the monitor for `year` (None: the year the cycle works on when it is computed, else
    the latest computed year) and `filters`.
    `codes` limits it to some indicators (one figure's export); `notes` are messages to show with it."""
    access = monitor_access(user)
    notes = list(notes or [])
    indicators = [i for i in all_indicators() if (codes is None or i.code in codes) and access.may_see(i)]
    if not access.may_view:
        return MonitorView(access=access, year=year, years=[], asked=filters, filters=Filters(), notes=notes,
                           figures=[], freshness=None, insurer_choices=[], region_choices=[])

    snapshot_years = set(MonitorSnapshot.objects.values_list("year", flat=True).distinct().order_by())
    # Each contract year with the moment its follow decisions are due: the year the cycle works on now is the
    # earliest whose follow decisions are ahead (as contracting.selectors.contract_year_current says), read here
    # in the same query as the years.
    follow_due = Milestone.objects.filter(contract_year=OuterRef("pk"), kind=MilestoneKind.FOLLOW_DECISIONS_DUE)
    contract_years = list(ContractYear.objects.annotate(follow_due=Subquery(follow_due.values("due_at")[:1]))
                          .values_list("year", "follow_due"))
    years = sorted(snapshot_years | {y for y, _due in contract_years})
    if year is None:
        # The cycle's current year when its figures are computed, else the latest computed year.
        now = timezone.now()
        current = min((y for y, due in contract_years if due is not None and due > now), default=None)
        if current in snapshot_years:
            year = current
        else:
            year = max(snapshot_years) if snapshot_years else (years[-1] if years else None)
    insurers = list(Insurer.objects.order_by("name").values_list("pk", "name"))
    access = with_letters(access, year or 0, [pk for pk, _name in insurers])
    scoped, scope_notes = access.scope(filters)
    notes.extend(scope_notes)
    comparisons: list[Comparison] = access.comparisons(scoped)

    # Per indicator: its own cut and the cuts beside it, each without the dimensions it is not split by.
    plans = []
    wanted: set[Dims] = set()
    for ind in indicators:
        own, dim_notes = effective_dims(ind, scoped.dims())
        beside = []
        for comp in comparisons:
            dims, dropped = effective_dims(ind, comp.filters.dims())
            # A cut this indicator is not split by would be another cut under the comparison's label: left out.
            if not dropped and dims != own and all(dims != d for _l, d in beside):
                beside.append((comp.label, dims))
        plans.append((ind, own, dim_notes, beside))
        wanted.add(own)
        wanted.update(d for _l, d in beside)

    values: dict[tuple[str, Dims], MonitorSnapshot] = {}
    headlines: dict[tuple[int, str, Dims], dict | None] = {}
    if indicators and year is not None and wanted:
        cuts = Q()
        for dims in wanted:
            cuts |= _cut_q(dims)
        codes_wanted = [i.code for i in indicators]
        for snap in (MonitorSnapshot.objects.filter(cuts, year=year, indicator__in=codes_wanted)
                     .only("indicator", "insurer_id", "region_id", "segment", "provider_type", "value",
                           "computed_at")):
            values[(snap.indicator, Dims(insurer=snap.insurer_id, region=snap.region_id, segment=snap.segment,
                                         provider_type=snap.provider_type))] = snap
        for row in (MonitorSnapshot.objects.filter(cuts, indicator__in=codes_wanted)
                    .annotate(headline=F("value__headline"))
                    .values("year", "indicator", "insurer_id", "region_id", "segment", "provider_type",
                            "headline")):
            headlines[(row["year"], row["indicator"], _dims_of(row))] = row["headline"]

    trend_years = sorted({y for y, _c, _d in headlines})
    figures = []
    for ind, own, dim_notes, beside in plans:
        snap = values.get((ind.code, own))
        value = access.present(snap.value if snap else None, own_cut=True)
        for row in (value or {}).get("rows", []):
            row["drill_url"] = drill_url(row.get("drill"))
        lines = [TrendLine(label=_("Deze selectie"), values=[_headline_value(headlines.get((y, ind.code, own)))
                                                               for y in trend_years])]
        compared = []
        for label, dims in beside:
            beside_snap = values.get((ind.code, dims))
            compared.append((label, (beside_snap.value or {}).get("headline") if beside_snap else None))
            lines.append(TrendLine(label=label, values=[_headline_value(headlines.get((y, ind.code, dims)))
                                                        for y in trend_years]))
        figures.append(Figure(indicator=ind, dims=own, value=value, computed_at=snap.computed_at if snap else None,
                              notes=dim_notes, comparisons=compared, trend_years=trend_years, trend=lines))

    names = dict(insurers)
    if access.names_all:
        insurer_choices = insurers
    else:
        insurer_choices = [(pk, names[pk]) for pk in access.insurers if pk in names]
    regions = list(Region.objects.order_by("name").values_list("pk", "name"))
    limit = {r for _i, r in access.teams} or set(access.regions)
    region_choices = [r for r in regions if not limit or r[0] in limit]
    return MonitorView(access=access, year=year, years=years, asked=filters, filters=scoped, notes=notes,
                       figures=figures, freshness=freshness(year) if year else None,
                       insurer_choices=insurer_choices, region_choices=region_choices,
                       computed=year in snapshot_years,
                       own_contracts=own_contracts(user, year) if access.kind == PROVIDER and year else None)


def own_contracts(user, year: int) -> list[OwnContract]:
    """A practice's or care group's own position: its signed contracts in force in `year` (one made for the
    year, or a multi-year one still running; contracting's offers_for_year), with the insurer. One query."""
    rows = (offers_for_year(holder_offers(user), year).filter(status=Offer.Status.SIGNED)
            .order_by("insurer__name", "pk")
            .values_list("insurer__name", "standard_contract__first_year", "standard_contract__term_years"))
    return [OwnContract(insurer=name, first_year=first, last_year=first + term - 1) for name, first, term in rows]


def _headline_value(headline) -> float | int | None:
    if isinstance(headline, dict):
        return headline.get("value")
    return None



# --- the NZa's Berekeningen page --------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearRuns:
    year: int
    latest: MonitorRun | None  # the latest run of any status (the progress bar while it is queued or running)
    freshness: Freshness
    publication: MonitorPublication | None

    @property
    def active(self) -> bool:
        return self.latest is not None and self.latest.status in MonitorRun.ACTIVE


def runs_overview() -> list[YearRuns]:
    """Every contract year, newest first, with its latest run, its freshness and its publication, in five queries
    whatever the number of years and runs."""
    latest = MonitorRun.objects.filter(year=OuterRef("year")).order_by("-requested_at", "-pk").values("pk")[:1]
    rows = list(ContractYear.objects.order_by("-year").annotate(run_pk=Subquery(latest)).values_list("year", "run_pk"))
    years = [year for year, _ in rows]
    runs = MonitorRun.objects.in_bulk([pk for _, pk in rows if pk])
    publications = {p.year: p for p in MonitorPublication.objects.filter(year__in=years).select_related("published_by")}
    fresh = freshness_by_year(years, publications=publications)
    return [YearRuns(year=year, latest=runs.get(pk), freshness=fresh[year], publication=publications.get(year))
            for year, pk in rows]
