"""The demo's care-group members: which practices of each zorggroep take part in which of its programmes (the
catalogue's S2 zorgprogramma's), and each practice's POH-S arrangement with its zorggroep, one of the NZa
monitor's three variants. Deterministic per practice, idempotent, in multi-row INSERTs (some 50,000
arrangements at national scale). Before the demo signs, so signed estimates take POH-S net of the care
group's part."""

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contracting.models import PohsArrangement, PohsVariant, ProgrammeParticipation
from contracting.selectors import programme_modules
from providers.models import CareGroup

from .bulk import insert_rows
from .registry import DemoContext, demo_step

SEED = "members-2026"
# How often a zorggroep's practice takes part in each programme (DM2 nearly always; others less often).
TAKE_PART = {"ketenzorg-dm2": 0.95, "ketenzorg-copd": 0.8, "ketenzorg-vrm-hvz": 0.6, "ketenzorg-vrm-vvr": 0.5,
             "ketenzorg-astma": 0.4}
OTHER_PROGRAMME = 0.3  # a programme the catalogue holds beyond these (added later): sometimes
VARIANTS = ((PohsVariant.HYBRID, 0.5), (PohsVariant.IN_KETENZORG, 0.3), (PohsVariant.VIA_PRACTICE, 0.2))


def _variant(rng: random.Random) -> str:
    pick, edge = rng.random(), 0.0
    for variant, weight in VARIANTS:
        edge += weight
        if pick < edge:
            return variant
    return VARIANTS[-1][0]


def seed_members() -> dict[str, int]:
    modules = list(programme_modules())
    links = (CareGroup.practices.through.objects.filter(caregroup__kind=CareGroup.Kind.ZORGGROEP)
             .order_by("practice__agb_code", "caregroup__name")
             .values_list("caregroup_id", "caregroup__name", "practice_id", "practice__agb_code"))
    with_programmes = set(ProgrammeParticipation.objects.values_list("care_group_id", "practice_id").distinct())
    with_arrangement = set(PohsArrangement.objects.values_list("practice_id", flat=True))
    now = timezone.now()
    participations, arrangements = [], []
    for care_group_id, care_group_name, practice_id, agb_code in links:
        # Seeded by names and codes, not ids: two fresh runs give the same data.
        rng = random.Random(f"{SEED}:{agb_code}:{care_group_name}")
        if (care_group_id, practice_id) not in with_programmes:
            participations += [(care_group_id, practice_id, m.pk, now) for m in modules
                               if rng.random() < TAKE_PART.get(m.code, OTHER_PROGRAMME)]
        if practice_id not in with_arrangement:
            with_arrangement.add(practice_id)  # one arrangement a practice: with its first zorggroep
            variant = _variant(rng)
            amount = Decimal(rng.randrange(1000, 4001, 250)) if variant == PohsVariant.HYBRID else None
            arrangements.append((practice_id, care_group_id, variant, amount, now))
    with transaction.atomic():
        insert_rows(ProgrammeParticipation, ("care_group", "practice", "module", "created_at"), participations)
        insert_rows(PohsArrangement, ("practice", "care_group", "variant", "care_group_amount", "updated_at"),
                    arrangements)
    return {"programme_participations": len(participations), "pohs_arrangements": len(arrangements)}


@demo_step("contracting.care_group_members", order=16)
def _step(ctx: DemoContext) -> dict[str, int]:
    return seed_members()
