"""The monitor's indicators: each defined once, here, with its formula, unit, source data and caveats beside it.

An indicator is registered with `@indicator(...)` on its compute function in one of the modules of this package
(one per chapter of the NZa monitor). The compute function takes a `Context` (the contract year and the moment
of the run) and returns the indicator's figures for every cut it supports, as `Cut`s:

    @indicator(code="contracts_per_insurer", chapter=Chapter.CONTRACTS, order=10,
               title=_("Contracten per zorgverzekeraar"), unit=Unit.COUNT,
               formula=_("Aantal getekende contracten … (hoe berekend, in gewone taal)"),
               source=_("Getekende aanbiedingen en volgcontracten in het portaal"),
               caveats=(_("Gevolgde contracten tellen één keer, bij de gevolgde verzekeraar."),),
               dimensions=(Dim.INSURER, Dim.REGION))
    def contracts_per_insurer(ctx: Context) -> list[Cut]:
        ...  # reads other apps' selectors only; a fixed number of GROUP BY queries, never one per row
        return [Cut(Dims(), table(...)), Cut(Dims(region=7), table(...)), ...]

Cuts: an indicator returns one Cut for every combination of its supported dimensions, "all" included (so for
dimensions=(INSURER, REGION): national, each insurer, each region, each insurer × region that has data). A
dimension it does not support is never set in its cuts; the dashboard then says the figure is not split that way.
Keep the cube small: support a dimension only where the figure means something per value of it.

The value of a cut is a table (`table(...)`), a plain JSON dict the dashboards, exports, API and the printable
monitor all render the same way:

    {"columns": [{"key": "new", "label": "Nieuw", "unit": "count"}, ...],
     "rows": [{"key": "insurer:3", "label": "Zilveren Kruis", "insurer": 3, "cells": {"new": 412, ...},
               "withheld": false, "note": "", "drill": {"url_name": "...", "query": {...}} | null}, ...],
     "headline": {"value": 97.5, "unit": "percent", "label": "…"} | null,   # the KPI card, and the trend's point
     "n": 6666 | null,                                                       # how many it was counted over
     "notes": ["…"]}                                                         # caveats specific to this cut

- A row about one insurer carries `"insurer": <id>`: the dashboards anonymise it for viewers who may not see
  that insurer's name (monitor/access.py), and drop its drill-down.
- A row under the survey anonymity threshold is `withheld`, with no cells and the note "minder dan N antwoorden";
  the threshold is applied while computing (through surveys.results), never when rendering.
- Labels are stored in Dutch (the monitor's language) as computed; numbers as plain JSON numbers (percent as
  0–100, rounded to one decimal; hours and euros as numbers, never formatted strings).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Chapter(models.TextChoices):
    # The chapters of the NZa monitor (and of the printable monitor), in their order.
    SUMMARY = "samenvatting", _("Samenvatting")
    CONTRACTS = "contractafspraken", _("Contractafspraken huisartsenzorg")
    MDZ = "multidisciplinair", _("Multidisciplinaire zorg")
    MAATWERK = "maatwerk", _("Maatwerk en verzoeken")
    GCP = "gcp", _("Goede contracteerpraktijken")
    SURVEYS = "enquetes", _("Enquêtes")


class Unit(models.TextChoices):
    COUNT = "count", _("aantal")
    PERCENT = "percent", _("procent")
    HOURS = "hours", _("uren")
    EURO = "euro", _("euro")
    DAYS = "days", _("dagen")
    MARK = "mark", _("rapportcijfer")
    YEARS = "years", _("jaren")
    TEXT = "text", _("tekst")


class Dim(models.TextChoices):
    INSURER = "insurer", _("zorgverzekeraar")
    REGION = "region", _("regio")
    SEGMENT = "segment", _("segment")
    PROVIDER_TYPE = "provider_type", _("soort zorgaanbieder")


@dataclass(frozen=True)
class Dims:
    """One cut: None / "" is "all". Segment: "s1" | "s2"; provider type: "gp" | "care_group" | "both"
    (monitor.models.Segment / ProviderType)."""
    insurer: int | None = None
    region: int | None = None
    segment: str = ""
    provider_type: str = ""


@dataclass(frozen=True)
class Cut:
    dims: Dims
    value: dict


@dataclass(frozen=True)
class Context:
    year: int  # the contract year computed
    now: datetime  # the moment of the run (what "on time so far" is measured against)


@dataclass(frozen=True)
class Indicator:
    code: str
    chapter: str
    order: int
    title: str
    unit: str
    formula: str
    source: str
    compute: Callable[[Context], Iterable[Cut]]
    caveats: tuple = ()
    dimensions: tuple = ()
    nza_only: bool = False  # figures only the NZa may see at all (e.g. the insurers' own questionnaire answers)


_REGISTRY: dict[str, Indicator] = {}

# The modules that register indicators, one per chapter; load_all() imports them (MonitorConfig.ready).
MODULES = ("contracts", "mdz", "maatwerk", "gcp", "surveys")


def indicator(*, code, chapter, order, title, unit, formula, source, caveats=(), dimensions=(), nza_only=False):
    def register(compute):
        if code in _REGISTRY and _REGISTRY[code].compute is not compute:
            raise ValueError(f"indicator {code!r} is defined twice")
        for dim in dimensions:
            Dim(dim)  # an unknown dimension is a programming error
        _REGISTRY[code] = Indicator(code=code, chapter=str(chapter), order=order, title=title, unit=str(unit),
                                    formula=formula, source=source, compute=compute, caveats=tuple(caveats),
                                    dimensions=tuple(str(d) for d in dimensions), nza_only=nza_only)
        return compute
    return register


def load_all() -> None:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")


def all_indicators() -> list[Indicator]:
    """Every indicator, in the monitor's order (chapter, then order)."""
    chapters = list(Chapter.values)
    return sorted(_REGISTRY.values(), key=lambda i: (chapters.index(i.chapter), i.order, i.code))


def get_indicator(code: str) -> Indicator | None:
    return _REGISTRY.get(code)


# --- the value of a cut -----------------------------------------------------------------------------------------

@dataclass
class Row:
    key: str
    label: str
    cells: dict = field(default_factory=dict)
    insurer: int | None = None
    withheld: bool = False
    note: str = ""
    drill: dict | None = None

    def as_json(self) -> dict:
        return {"key": self.key, "label": str(self.label), "insurer": self.insurer, "cells": self.cells,
                "withheld": self.withheld, "note": str(self.note), "drill": self.drill}


def column(key: str, label, unit) -> dict:
    return {"key": key, "label": str(label), "unit": str(unit)}


def table(*, columns: list[dict], rows: list[Row], headline: dict | None = None, n: int | None = None,
          notes: Iterable = ()) -> dict:
    return {"columns": columns, "rows": [r.as_json() for r in rows], "headline": headline, "n": n,
            "notes": [str(x) for x in notes]}


def headline(value, unit, label) -> dict:
    return {"value": value, "unit": str(unit), "label": str(label)}


def percent(part: int, whole: int) -> float | None:
    """part of whole in percent, one decimal; None when there is nothing to count over."""
    if not whole:
        return None
    return round(100 * part / whole, 1)
