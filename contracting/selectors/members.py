"""Reads about a care group's member practices: its programmes (the catalogue's S2 zorgprogramma's), who
takes part in which, and the POH-S arrangements; the same rows for the care group's page and the practice's."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from providers.models import CareGroup, Practice

from ..models import Module, ModuleCategory, PohsArrangement, ProgrammeParticipation, Segment


def programme_modules() -> QuerySet[Module]:
    """The care-group programmes: the catalogue's S2 modules of the category zorgprogramma that are not
    retired, in catalogue order. Read from the catalogue, so a programme added there is offered here too."""
    return (Module.objects.filter(segment=Segment.S2, category=ModuleCategory.PROGRAMME, retired=False)
            .order_by("sort_order", "name"))


@dataclass
class MemberRow:
    practice: Practice
    programmes: list[Module] = field(default_factory=list)
    arrangement: PohsArrangement | None = None  # the practice's, with this care group or another

    @property
    def programme_codes(self) -> set[str]:
        return {m.code for m in self.programmes}


def care_group_members(care_group: CareGroup, practices: list[Practice] | None = None) -> list[MemberRow]:
    """The care group's member practices (or the page of them given, read with
    select_related("pohs_arrangement__care_group")), each with the programmes it takes part in here and its
    POH-S arrangement. Two queries for a page, however many members."""
    if practices is None:
        practices = list(care_group_practices(care_group))
    participations = (ProgrammeParticipation.objects.filter(care_group=care_group, practice__in=practices)
                      .select_related("module").order_by("module__sort_order", "module__name"))
    by_practice: dict[int, list[Module]] = {}
    for pp in participations:
        by_practice.setdefault(pp.practice_id, []).append(pp.module)
    return [MemberRow(practice=p, programmes=by_practice.get(p.pk, []),
                      arrangement=getattr(p, "pohs_arrangement", None)) for p in practices]


def care_group_practices(care_group: CareGroup) -> QuerySet[Practice]:
    """The care group's member practices by name, with their POH-S arrangement in the same query."""
    return care_group.practices.order_by("name", "pk").select_related("pohs_arrangement__care_group")


@dataclass
class PracticeCareGroup:
    care_group: CareGroup
    programmes: list[Module]


def practice_care_groups(practice: Practice) -> tuple[list[PracticeCareGroup], PohsArrangement | None]:
    """The care groups a practice belongs to, each with the programmes it takes part in there, and its POH-S
    arrangement (or None). Two queries, and one more unless the caller read the practice with
    select_related("pohs_arrangement__care_group")."""
    participations = (ProgrammeParticipation.objects.filter(practice=practice).select_related("module")
                      .order_by("module__sort_order", "module__name"))
    groups = practice.care_groups.order_by("name").prefetch_related(
        Prefetch("programme_participations", queryset=participations, to_attr="of_practice"))
    arrangement = getattr(practice, "pohs_arrangement", None)  # a missing one raises an AttributeError subclass
    return [PracticeCareGroup(g, [pp.module for pp in g.of_practice]) for g in groups], arrangement


def pohs_data(arrangement: PohsArrangement | None) -> dict | None:
    """An arrangement as the signed content records it (and pricing.pohs_terms_of reads it)."""
    if arrangement is None:
        return None
    amount = arrangement.care_group_amount
    return {"variant": arrangement.variant, "care_group_id": arrangement.care_group_id,
            "care_group": arrangement.care_group.name, "care_group_amount": str(amount) if amount is not None else None}


def holder_pohs(offer) -> dict | None:
    """The POH-S arrangement of a practice's offer holder with its care group (pohs_data), or None (a care
    group's offer, or no arrangement). One query."""
    if not offer.practice_id:
        return None
    return pohs_data(PohsArrangement.objects.filter(practice_id=offer.practice_id).select_related("care_group")
                     .first())
