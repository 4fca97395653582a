"""Helpers for indicators that read grouped counts: spread the groups over every cut an indicator supports,
and name the insurers its rows are about. Not an indicator module (load_all does not import it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

from insurers.models import Insurer

from . import Dim, Dims

# A holder kind counts in the segment it contracts: a practice's contract is segment 1 (with its S3 modules), a
# care group's segment 2 (nza-monitor-2019.md §1).
SEGMENT_OF_HOLDER = {"practice": "s1", "care_group": "s2"}


def _dims_values(group: dict) -> dict:
    return {Dim.INSURER: group.get("insurer_id"), Dim.REGION: group.get("region_id"),
            Dim.SEGMENT: SEGMENT_OF_HOLDER.get(group.get("holder_kind"), ""), Dim.PROVIDER_TYPE: ""}


def spread(groups: Iterable[dict], dimensions: Iterable[str]) -> dict[Dims, list[dict]]:
    """Every cut of `dimensions` (the national one always, then each combination of the supported dimensions
    a group has a value for) with the groups that fall in it. A group without a region counts nationally and
    for its insurer, in no region's cut."""
    dimensions = [str(d) for d in dimensions]
    cuts: dict[Dims, list[dict]] = defaultdict(list)
    cuts[Dims()] = []
    for group in groups:
        values = _dims_values(group)
        for size in range(len(dimensions) + 1):
            for combo in combinations(dimensions, size):
                if any(values[d] in (None, "") for d in combo):
                    continue
                cuts[Dims(**{d: values[d] for d in combo})].append(group)
    return cuts


def insurer_names(ids: Iterable[int]) -> dict[int, str]:
    """Names of the insurers rows are about (one query)."""
    ids = {i for i in ids if i is not None}
    return dict(Insurer.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def register_drill(year: int, insurer_id: int) -> dict:
    """Drill-down from an insurer's row to its lines in the year's public register (contracts and followed
    contracts), which everyone may open."""
    return {"url_name": "register:year", "kwargs": {"year": year}, "query": {"insurer": insurer_id}}
