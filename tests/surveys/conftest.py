import copy
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from .builders import results_world

AMS = ZoneInfo("Europe/Amsterdam")

# A small definition with one question of every kind and the conditions the NZa survey uses.
DEFINITION = {
    "key": "proef", "kind": "custom", "series": "proef", "title": "Proefenquête",
    "introduction": "Een korte enquête.", "anonymous": False, "threshold": 3, "audience": "practices",
    "sections": [
        {"title": "Contract", "help_text": "Over uw contract.", "questions": [
            {"code": "Q1", "kind": "single", "text": "Hebt u een contract?", "required": True,
             "options": [{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}]},
            {"code": "Q2", "kind": "text", "text": "Waarom niet?", "required": True, "show_if": "Q1",
             "show_if_values": ["nee"]},
            {"code": "Q3", "kind": "multiple", "text": "Welke modules?",
             "options": [{"value": "s1", "label": "S1"}, {"value": "s2", "label": "S2"},
                         {"value": "s3", "label": "S3"}]},
        ]},
        {"title": "Oordeel", "questions": [
            {"code": "Q4", "kind": "scale10", "text": "Rapportcijfer", "required": True,
             "options": [{"value": "1", "label": "slecht"}, {"value": "10", "label": "uitstekend"}]},
            {"code": "Q5", "kind": "scale5", "text": "Tevreden?"},
            {"code": "Q6", "kind": "matrix", "text": "Thema's", "rows": [
                {"value": "tijd", "label": "Tijd"}, {"value": "geld", "label": "Geld"}],
             "options": [{"value": "goed", "label": "Goed"}, {"value": "slecht", "label": "Slecht"}]},
            {"code": "Q6b", "kind": "matrix", "text": "Knelpunten per thema", "show_if": "Q6",
             "show_if_values": ["slecht"], "show_if_same_row": True, "rows": [
                 {"value": "tijd", "label": "Tijd"}, {"value": "geld", "label": "Geld"}],
             "options": [{"value": "klein", "label": "Klein"}, {"value": "groot", "label": "Groot"}]},
            {"code": "Q7", "kind": "number", "text": "Aantal patiënten", "min_value": 0, "max_value": 5000},
        ]},
    ],
}


@pytest.fixture
def definition():
    return copy.deepcopy(DEFINITION)


@pytest.fixture
def window():
    """Opens 1 March 2026 09:00, closes at the end of 31 March 2026 (00:00 on 1 April), Amsterdam time."""
    return datetime(2026, 3, 1, 9, 0, tzinfo=AMS), datetime(2026, 4, 1, 0, 0, tzinfo=AMS)


def signed_contract(insurer, holder, year=2026):
    """A signed contract of `holder` (a practice or a care group) with `insurer` for `year`: only the rows the
    survey audiences read (the contracting flow that signs it is tested in tests/contracting)."""
    from contracting.models import HolderKind, Offer, StandardContract
    from providers.models import CareGroup

    is_group = isinstance(holder, CareGroup)
    contract = StandardContract.objects.create(
        insurer=insurer, first_year=year, title=f"Contract {insurer.pk} {year}", status="published",
        holder_kind=HolderKind.CARE_GROUP if is_group else HolderKind.PRACTICE)
    return Offer.objects.create(standard_contract=contract, insurer=insurer, year=year, region=holder.region,
                                status=Offer.Status.SIGNED, **{"care_group" if is_group else "practice": holder})


@pytest.fixture
def draft_survey(db, definition, window):
    from surveys.services import survey_create_from_definition

    return survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                         closes_at=window[1])


@pytest.fixture
def world(db):
    """The results tests' insurers, overlegteams, users of every role and surveys (builders.results_world)."""
    return results_world()
