"""Reads of care-group contracting: the catalogue of programmes, negotiation threads, the side-by-side
difference of two steps, and the 15 July rule (offers to care groups out in time)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from providers.models import CareGroup, MarketShare

from ..calendar import MilestoneKind
from ..models import (
    ComponentMode,
    Module,
    Negotiation,
    NegotiationStep,
    OIFunction,
    Segment,
    StepAttachment,
)
from ..pricing import terms_estimate


def caregroup_catalogue(*, include_retired: bool = False) -> list[Module]:
    """The S2 modules a care-group contract may hold, programmes first, with their components (two queries).
    `include_retired`: also those no longer offered, which contracts made before still hold (the monitor)."""
    modules = (Module.objects.filter(segment=Segment.S2) if include_retired
               else Module.objects.offerable_to("care_group").filter(segment=Segment.S2))
    return list(modules.prefetch_related("components").order_by("sort_order"))


def negotiation_thread(negotiation: Negotiation) -> list[NegotiationStep]:
    """The steps of a negotiation in order, with who wrote them and their attachments (two queries)."""
    return list(negotiation.steps.select_related("actor").prefetch_related(
        Prefetch("attachments", queryset=StepAttachment.objects.order_by("kind", "pk"))).order_by("number"))


def negotiations_with_last_step(qs: QuerySet[Negotiation]) -> QuerySet[Negotiation]:
    """Annotate each negotiation with its last step's number, kind and side (for lists: one query)."""
    last = NegotiationStep.objects.filter(negotiation=OuterRef("pk")).order_by("-number")
    return (qs.select_related("care_group", "insurer", "offer")
            .annotate(last_number=Subquery(last.values("number")[:1]), last_kind=Subquery(last.values("kind")[:1]),
                      last_side=Subquery(last.values("side")[:1])))


# --- The difference between two steps ----------------------------------------------------------------------
@dataclass(frozen=True)
class DiffRow:
    label: str
    left: str | None
    right: str | None
    kind: str = "text"  # "money", "count", "percent", "mode" or "text": how a page writes the values

    @property
    def changed(self) -> bool:
        return self.left != self.right


@dataclass
class DiffSection:
    title: str
    rows: list[DiffRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(r.changed for r in self.rows)


def step_diff(left: NegotiationStep, right: NegotiationStep, population: int) -> list[DiffSection]:
    """Two steps' terms side by side: per programme its expected keten patients, tariff, components and
    inclusieplafond; per O&I prestatie its tariff, lumpsum and staffel; the seven O&I budget lines; and the
    estimates (contracting.pricing). A line only one step has shows None on the other side. Two queries (the
    catalogue names)."""
    names = dict(Module.objects.filter(segment=Segment.S2).values_list("code", "name"))
    from ..models import Component

    components = list(Component.objects.order_by("sort_order", "code").values_list("code", "name"))
    component_names = dict(components)
    component_order = {code: i for i, (code, _name) in enumerate(components)}
    a, b = left.terms, right.terms
    sections = []
    a_prog = {p["code"]: p for p in a.get("programmes", [])}
    b_prog = {p["code"]: p for p in b.get("programmes", [])}
    for code in [*a_prog, *(c for c in b_prog if c not in a_prog)]:
        pa, pb = a_prog.get(code, {}), b_prog.get(code, {})
        section = DiffSection(title=names.get(code, code))
        if pa.get("expected_patients") is not None or pb.get("expected_patients") is not None:
            section.rows.append(DiffRow(str(_("Verwachte patiënten in de keten")), _s(pa.get("expected_patients")),
                                        _s(pb.get("expected_patients")), "count"))
            section.rows.append(DiffRow(str(_("Tarief per patiënt in de keten per kwartaal")), pa.get("tariff"),
                                        pb.get("tariff"), "money"))
        else:
            section.rows.append(DiffRow(str(_("Vergoeding overhead per jaar")), pa.get("tariff"), pb.get("tariff"),
                                        "money"))
        comps = {**pa.get("components", {}), **pb.get("components", {})}
        # In the catalogue's order (a JSON object's keys come back in the database's order).
        for comp in sorted(comps, key=lambda c: (component_order.get(c, len(component_order)), c)):
            section.rows.append(DiffRow(component_names.get(comp, comp), (pa.get("components") or {}).get(comp),
                                        (pb.get("components") or {}).get(comp), "mode"))
        if pa.get("inclusion_ceiling_percent") or pb.get("inclusion_ceiling_percent"):
            section.rows.append(DiffRow(str(_("Inclusieplafond (% van de populatie)")),
                                        pa.get("inclusion_ceiling_percent"), pb.get("inclusion_ceiling_percent"),
                                        "percent"))
        sections.append(section)
    a_oi = {p["code"]: p for p in a.get("oi", [])}
    b_oi = {p["code"]: p for p in b.get("oi", [])}
    for code in [*a_oi, *(c for c in b_oi if c not in a_oi)]:
        la, lb = a_oi.get(code, {}), b_oi.get(code, {})
        sections.append(DiffSection(title=names.get(code, code), rows=[
            DiffRow(str(_("Tarief per ingeschreven verzekerde")), la.get("tariff"), lb.get("tariff"), "money"),
            DiffRow(str(_("Basisbedrag (lumpsum)")), la.get("lumpsum"), lb.get("lumpsum"), "money"),
            DiffRow(str(_("Staffel vanaf (verzekerden)")), _s(la.get("staffel_from")), _s(lb.get("staffel_from")),
                    "count"),
        ]))
    budget_a, budget_b = a.get("oi_budget", {}), b.get("oi_budget", {})
    if budget_a or budget_b:
        sections.append(DiffSection(title=str(_("Begroting O&I per functie")), rows=[
            DiffRow(str(f.label), budget_a.get(f.value), budget_b.get(f.value), "money")
            for f in OIFunction if f.value in budget_a or f.value in budget_b]))
    ea, eb = terms_estimate(a, population), terms_estimate(b, population)
    sections.append(DiffSection(title=str(_("Raming per jaar")), rows=[
        DiffRow(str(_("Ketenzorg (patiënten × tarief × 4 kwartalen)")), str(ea.ketenzorg), str(eb.ketenzorg),
                "money"),
        DiffRow(str(_("O&I")), str(ea.oi), str(eb.oi), "money"),
        DiffRow(str(_("Totaal")), str(ea.total), str(eb.total), "money"),
    ]))
    return sections


def _s(value) -> str | None:
    return None if value is None else str(value)


MODE_LABELS = dict(ComponentMode.choices)


# --- 15 July: offers to care groups ------------------------------------------------------------------------
@dataclass(frozen=True)
class LateCareGroupOffer:
    insurer_id: int
    insurer_name: str
    care_group: CareGroup
    offered_at: datetime | None  # the offer made after 15 July; None: still none


def _with_preferent(groups: QuerySet[CareGroup]) -> QuerySet[CareGroup]:
    """Care groups with their region's preferent insurer (the largest market share, as for practices) as
    preferent_pk and preferent_name; groups in a region without market shares are left out."""
    top = (MarketShare.objects.filter(region=OuterRef("region")).order_by("-share_percent", "insurer__name"))
    return groups.annotate(preferent_pk=Subquery(top.values("insurer")[:1]),
                           preferent_name=Subquery(top.values("insurer__name")[:1])).filter(preferent_pk__isnull=False)


def caregroup_offer_counts(year: int, *, due: datetime) -> dict[int, dict[str, int]]:
    """The 15 July rule as counts, per preferent insurer id: the care groups it is preferent for ("total"), how
    many it made a first offer for `year` before `due` ("in_time"), at or after it ("late"), and not at all
    ("none"). The same rule as caregroup_offers_late, for every insurer at once. Two queries."""
    counts: dict[int, dict[str, int]] = {}
    groups = list(_with_preferent(CareGroup.objects.all()).values_list("pk", "preferent_pk"))
    offered = dict(((n_insurer, n_group), at) for n_insurer, n_group, at in Negotiation.objects.filter(
        year=year, first_offer_at__isnull=False).values_list("insurer_id", "care_group_id", "first_offer_at"))
    for group_pk, insurer_pk in groups:
        row = counts.setdefault(insurer_pk, {"total": 0, "in_time": 0, "late": 0, "none": 0})
        row["total"] += 1
        at = offered.get((insurer_pk, group_pk))
        row["none" if at is None else "in_time" if at < due else "late"] += 1
    return counts


def caregroup_offers_late(year: int, *, now: datetime, insurer_ids=None, due: datetime | None = None
                          ) -> list[LateCareGroupOffer]:
    """From 15 July on (the caregroup_offers milestone of `year`): each care group whose region's preferent
    insurer (the largest market share, as for practices) had made it no offer by then, for that insurer.
    `insurer_ids` limits it to those insurers (the insurer's dashboard); `due` is the milestone's moment when
    the caller has read it. At most three queries however many care groups; none of the work before the
    deadline."""
    from ..models import Milestone

    if due is None:
        due = (Milestone.objects.filter(contract_year__year=year, kind=MilestoneKind.CAREGROUP_OFFERS)
               .values_list("due_at", flat=True).first())
    if due is None or now < due:
        return []
    groups = _with_preferent(CareGroup.objects.all())
    if insurer_ids is not None:
        groups = groups.filter(preferent_pk__in=list(insurer_ids))
    groups = list(groups.select_related("region").order_by("preferent_name", "name"))
    if not groups:
        return []
    offered = {(n.insurer_id, n.care_group_id): n.first_offer_at for n in Negotiation.objects.filter(
        year=year, care_group__in=[g.pk for g in groups], first_offer_at__isnull=False)
        .only("insurer_id", "care_group_id", "first_offer_at")}
    late = []
    for group in groups:
        at = offered.get((group.preferent_pk, group.pk))
        if at is None or at >= due:
            late.append(LateCareGroupOffer(insurer_id=group.preferent_pk, insurer_name=group.preferent_name,
                                           care_group=group, offered_at=at))
    return late

