"""A care group's member practices: which practices take part in which of its programmes (the catalogue's S2
zorgprogramma's), the POH-S arrangement between practice and care group as one of the NZa monitor's three
variants, visible to both, and the practice's POH-S estimate net of what the care group pays."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from contracting.models import Module, PohsArrangement, PohsVariant, ProgrammeParticipation, Signature
from contracting.pricing import PohsTerms, pohs_net
from contracting.selectors import programme_modules
from contracting.services import (
    member_programmes_set,
    offer_choose_modules,
    offer_sign,
    pohs_arrangement_set,
    standard_contract_publish,
    standard_contract_set_module,
)
from core.errors import PortalError
from core.models import AuditEvent
from demo.members import seed_members
from tests.contracting.conftest import IN_WINDOW, ams, build_contract
from tests.factories import CareGroupFactory, PracticeFactory, make_member
from tests.helpers import assert_error, client_for, page_html, page_html_as, text

DM2, COPD = "ketenzorg-dm2", "ketenzorg-copd"
HYBRID, IN_KETEN, VIA_PRACTICE = PohsVariant.HYBRID, PohsVariant.IN_KETENZORG, PohsVariant.VIA_PRACTICE


@pytest.fixture
def care_group(market, practice_3100):
    group = CareGroupFactory(name="Zorggroep De Linde", region=market["region"])
    group.practices.add(practice_3100)
    return group


@pytest.fixture
def cg_member(care_group):
    return make_member(Role.CAREGROUP_MEMBER, care_group, email="medewerker@zorggroep.example")


@pytest.fixture
def other_group_member(market):
    other = CareGroupFactory(name="Zorggroep Elders", region=market["region"])
    other.practices.add(PracticeFactory(region=market["region"]))
    return make_member(Role.CAREGROUP_MEMBER, other, email="medewerker@elders.example")


# --- Programmes -------------------------------------------------------------------------------------------------
def test_the_programmes_are_the_catalogues_s2_zorgprogrammas(db):
    codes = [m.code for m in programme_modules()]
    assert {DM2, COPD, "ketenzorg-vrm-hvz", "ketenzorg-vrm-vvr", "ketenzorg-astma", "programma-kwetsbare-ouderen",
            "programma-ggz"} <= set(codes)
    assert "ketenzorg-vrm" not in codes  # retired: split into HVZ and VVR
    assert "kwetsbare-ouderen" not in codes  # an S3 module for single practices, not a care-group programme
    Module.objects.create(code="ketenzorg-ggz-test", name="GGZ-keten", segment="S2", category="zorgprogramma",
                          unit="per_inschrijving_kwartaal", sort_order=200)
    assert "ketenzorg-ggz-test" in [m.code for m in programme_modules()]  # a programme added later is offered


def test_a_member_practice_takes_part_in_programmes(care_group, practice_3100, cg_member):
    assert member_programmes_set(actor=cg_member, care_group=care_group, practice=practice_3100,
                                 programmes=[COPD, DM2]) == [DM2, COPD]
    assert member_programmes_set(actor=cg_member, care_group=care_group, practice=practice_3100,
                                 programmes=[DM2, COPD]) == [DM2, COPD]
    assert AuditEvent.objects.filter(verb="contracting.care_group.programmes_set").count() == 1
    member_programmes_set(actor=cg_member, care_group=care_group, practice=practice_3100, programmes=[DM2])
    assert list(ProgrammeParticipation.objects.values_list("module__code", flat=True)) == [DM2]


@pytest.mark.parametrize("programme", ["ketenzorg-onbekend", "kwaliteit", "oi-wijkmanagement"])
def test_an_unknown_programme_is_refused_and_changes_nothing(care_group, practice_3100, cg_member, programme):
    member_programmes_set(actor=cg_member, care_group=care_group, practice=practice_3100, programmes=[DM2])
    with pytest.raises(PortalError) as exc:
        member_programmes_set(actor=cg_member, care_group=care_group, practice=practice_3100,
                              programmes=[COPD, programme])
    assert exc.value.code == "unknown_programme" and exc.value.status == 400
    assert exc.value.detail == f"Onbekend programma: {programme}."
    assert list(ProgrammeParticipation.objects.values_list("module__code", flat=True)) == [DM2]


def test_only_member_practices_and_only_the_care_groups_people(care_group, practice_3100, cg_member,
                                                                other_group_member, signatory, market):
    outsider = PracticeFactory(region=market["region"])
    with pytest.raises(PortalError) as exc:
        member_programmes_set(actor=cg_member, care_group=care_group, practice=outsider, programmes=[DM2])
    assert exc.value.code == "not_a_member"
    for actor in (other_group_member, signatory):
        with pytest.raises(PortalError) as exc:
            member_programmes_set(actor=actor, care_group=care_group, practice=practice_3100, programmes=[DM2])
        assert exc.value.code == "not_care_group_member" and exc.value.status == 403
        with pytest.raises(PortalError):
            pohs_arrangement_set(actor=actor, care_group=care_group, practice=practice_3100, variant=IN_KETEN)
    assert not ProgrammeParticipation.objects.exists() and not PohsArrangement.objects.exists()


# --- POH-S arrangement ------------------------------------------------------------------------------------------
def test_the_three_variants_are_the_nza_monitors(db):
    labels = dict(PohsVariant.choices)
    assert "de gehele inzet van POH-S is onderdeel van de tariefafspraken rondom ketenzorg" in labels[IN_KETEN]
    assert "enkel vergoed voor de overhead" in labels[VIA_PRACTICE]
    assert ("verminderd met het bedrag dat de praktijk voor de ketenzorg vanuit het samenwerkingsverband "
            "ontvangt") in labels[HYBRID]


def test_an_arrangement_is_recorded_once_per_practice(care_group, practice_3100, cg_member):
    arrangement = pohs_arrangement_set(actor=cg_member, care_group=care_group, practice=practice_3100,
                                       variant=HYBRID, care_group_amount="2500")
    assert arrangement.care_group_amount == Decimal("2500.00")
    pohs_arrangement_set(actor=cg_member, care_group=care_group, practice=practice_3100, variant=HYBRID,
                         care_group_amount="2500.00")
    assert AuditEvent.objects.filter(verb="contracting.pohs_arrangement.set").count() == 1
    # Another variant has no amount: the one given is not kept.
    changed = pohs_arrangement_set(actor=cg_member, care_group=care_group, practice=practice_3100,
                                   variant=VIA_PRACTICE, care_group_amount="100")
    assert changed.pk == arrangement.pk and changed.care_group_amount is None
    assert PohsArrangement.objects.count() == 1


@pytest.mark.parametrize(("variant", "amount", "code"), [
    (HYBRID, None, "amount_required"), (HYBRID, "-1", "negative_amount"), (HYBRID, "12,345", "invalid_amount"),
    (HYBRID, "veel", "invalid_amount"), ("half-om-half", None, "invalid_variant"),
])
def test_bad_arrangements_are_refused(care_group, practice_3100, cg_member, variant, amount, code):
    with pytest.raises(PortalError) as exc:
        pohs_arrangement_set(actor=cg_member, care_group=care_group, practice=practice_3100, variant=variant,
                             care_group_amount=amount)
    assert exc.value.code == code and exc.value.status == 400
    assert not PohsArrangement.objects.exists()


def test_pohs_net_of_what_the_care_group_pays(db):
    """POH-S 8 hours a week at 3,000 a year per weekly hour: 24,000 gross."""
    gross = Decimal("24000.00")
    assert pohs_net(gross, None) == gross
    assert pohs_net(gross, PohsTerms(IN_KETEN, "Z")) == Decimal("0.00")
    assert pohs_net(gross, PohsTerms(VIA_PRACTICE, "Z")) == gross
    assert pohs_net(gross, PohsTerms(HYBRID, "Z", Decimal("2500"))) == Decimal("21500.00")
    assert pohs_net(gross, PohsTerms(HYBRID, "Z", Decimal("30000"))) == Decimal("0.00")  # never below nothing


# --- The practice's offer -----------------------------------------------------------------------------------------
@pytest.fixture
def pohs_offer(market, nza_tariffs, practice_3100, purchaser, care_group):
    contract = build_contract(market["preferent"], purchaser, publish=False)
    standard_contract_set_module(actor=purchaser, contract=contract, module=Module.objects.get(code="poh-s"),
                                 tariff="3000.00")
    contract = standard_contract_publish(actor=purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))
    return contract.offers.get(practice=practice_3100)


def estimate_total(content: str) -> Decimal:
    return Decimal(re.search(r'class="offers-estimate-total" value="([^"]+)"', content).group(1))


# inschrijving 17.00 x 3,100 x 4 = 210,800 (mandatory) + POH-S 3,000 x 8 = 24,000 less 2,500 = 21,500
HYBRID_TOTAL = Decimal("232300.00")


@time_machine.travel(IN_WINDOW, tick=False)
def test_the_practice_sees_its_pohs_net_and_signs_it(client, pohs_offer, care_group, cg_member, signatory,
                                                      practice_3100):
    member_programmes_set(actor=cg_member, care_group=care_group, practice=practice_3100, programmes=[DM2, COPD])
    pohs_arrangement_set(actor=cg_member, care_group=care_group, practice=practice_3100, variant=HYBRID,
                         care_group_amount="2500")
    offer_choose_modules(actor=signatory, offer=pohs_offer, modules=[{"module": "poh-s", "hours": "8"}])
    content = page_html_as(client, signatory, reverse("offers:detail", args=[pohs_offer.pk]))
    body = text(content)
    assert estimate_total(content) == HYBRID_TOTAL
    assert "Bruto € 24.000,00, min € 2.500,00 die u via Zorggroep De Linde voor POH-S ontvangt." in body
    assert ("Programma's waaraan de praktijk deelneemt: Ketenzorg diabetes mellitus type 2, Ketenzorg COPD"
            in body)
    assert "Met Zorggroep De Linde: Aanvulling op de ketenzorg" in body

    signature = offer_sign(actor=signatory, offer=pohs_offer, now=IN_WINDOW, two_factor_verified=True)
    assert signature.estimated_amount == HYBRID_TOTAL
    pohs = next(m for m in signature.content["modules"] if m["code"] == "poh-s")
    assert (pohs["estimated_amount"], pohs["gross_amount"]) == ("21500.00", "24000.00")
    assert signature.content["holder"]["pohs"]["variant"] == HYBRID
    # A later arrangement does not rewrite what was signed.
    pohs_arrangement_set(actor=cg_member, care_group=care_group, practice=practice_3100, variant=IN_KETEN)
    assert Signature.objects.get(pk=signature.pk).estimated_amount == HYBRID_TOTAL


@time_machine.travel(IN_WINDOW, tick=False)
def test_pohs_entirely_in_the_ketenzorg_is_nothing_in_the_practice_contract(client, pohs_offer, care_group,
                                                                             cg_member, signatory, practice_3100):
    pohs_arrangement_set(actor=cg_member, care_group=care_group, practice=practice_3100, variant=IN_KETEN)
    offer_choose_modules(actor=signatory, offer=pohs_offer, modules=[{"module": "poh-s", "hours": "8"}])
    content = page_html_as(client, signatory, reverse("offers:detail", args=[pohs_offer.pk]))
    assert estimate_total(content) == Decimal("210800.00")
    assert "Geheel via de ketenzorg van Zorggroep De Linde" in text(content)


@time_machine.travel(IN_WINDOW, tick=False)
def test_without_an_arrangement_pohs_counts_in_full(client, pohs_offer, signatory):
    offer_choose_modules(actor=signatory, offer=pohs_offer, modules=[{"module": "poh-s", "hours": "8"}])
    content = page_html_as(client, signatory, reverse("offers:detail", args=[pohs_offer.pk]))
    assert estimate_total(content) == Decimal("234800.00")
    assert "Er is geen afspraak over POH-S met een samenwerkingsverband vastgelegd" in text(content)


# --- The care group's page --------------------------------------------------------------------------------------
def test_the_care_group_records_both_on_its_members_page(client, care_group, cg_member, practice_3100):
    url = reverse("members:list", args=[care_group.pk])
    body = text(page_html_as(client, cg_member, url))
    assert "Aangesloten praktijken van Zorggroep De Linde" in body and practice_3100.name in body
    save = reverse("members:save", args=[care_group.pk, practice_3100.pk])
    prefix = f"p{practice_3100.pk}"
    bad = client.post(save, {f"{prefix}-programmes": [DM2], f"{prefix}-variant": HYBRID,
                             f"{prefix}-care_group_amount": "-10"})
    assert bad.status_code == 400
    assert "Een bedrag kan niet negatief zijn." in text(bad.content.decode())
    assert not ProgrammeParticipation.objects.exists()  # all or nothing
    response = client.post(save, {f"{prefix}-programmes": [DM2, COPD], f"{prefix}-variant": HYBRID,
                                  f"{prefix}-care_group_amount": "2.500,00"})
    assert response.status_code == 302
    assert PohsArrangement.objects.get().care_group_amount == Decimal("2500.00")
    assert sorted(ProgrammeParticipation.objects.values_list("module__code", flat=True)) == [COPD, DM2]
    assert client.get(reverse("members:home"))["Location"] == url


@pytest.fixture
def people(cg_member, care_group, signatory, purchaser, other_group_member, market):
    return {
        "cg_member": cg_member,
        "cg_signatory": make_member(Role.CAREGROUP_SIGNATORY, care_group, email="teken@zorggroep.example"),
        "practice": signatory, "purchaser": purchaser, "other_group": other_group_member,
        "nza": make_member(Role.NZA_ANALYST, email="analist@nza.example"),
        "other_practice": make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=market["region"])),
    }


PAGE = {"cg_member": 200, "cg_signatory": 200, "nza": 200, "practice": 404, "purchaser": 404, "other_group": 404,
        "other_practice": 404}


@pytest.mark.parametrize("role", list(PAGE))
def test_members_page_by_role(client, care_group, practice_3100, people, role):
    body = page_html_as(client, people[role], reverse("members:list", args=[care_group.pk]), status=PAGE[role])
    if role == "nza":
        assert "Opslaan" not in text(body)  # read-only


@pytest.mark.parametrize(("role", "status"), [("practice", 404), ("purchaser", 404), ("other_group", 404),
                                              ("other_practice", 404), ("nza", 403)])
def test_saving_by_role(client, care_group, practice_3100, people, role, status):
    client.force_login(people[role])
    prefix = f"p{practice_3100.pk}"
    response = client.post(reverse("members:save", args=[care_group.pk, practice_3100.pk]),
                           {f"{prefix}-programmes": [DM2], f"{prefix}-variant": IN_KETEN})
    assert response.status_code == status
    assert not ProgrammeParticipation.objects.exists() and not PohsArrangement.objects.exists()


# --- API ----------------------------------------------------------------------------------------------------------
def _api_rows(user) -> list[dict]:
    response = client_for(user).get("/api/v1/care-group-members/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_api_both_sides_see_the_arrangement(care_group, practice_3100, people):
    body = {"care_group": care_group.pk, "practice": practice_3100.pk, "programmes": [DM2],
            "pohs_variant": HYBRID, "care_group_amount": "1750.50"}
    response = client_for(people["cg_member"]).post("/api/v1/care-group-members/", body, format="json")
    assert response.status_code == 200, response.content
    expected = {"care_group": care_group.pk, "care_group_name": "Zorggroep De Linde", "practice": practice_3100.pk,
                "practice_name": practice_3100.name, "programmes": [DM2],
                "pohs": {"variant": HYBRID, "variant_label": dict(PohsVariant.choices)[HYBRID],
                         "care_group": care_group.pk, "care_group_amount": "1750.50"}}
    assert response.json() == expected
    assert _api_rows(people["cg_member"]) == [expected]
    assert _api_rows(people["practice"]) == [expected]  # the practice sees the same
    assert expected in _api_rows(people["nza"])
    for role in ("purchaser", "other_practice"):
        assert _api_rows(people[role]) == []
    assert all(r["care_group"] != care_group.pk for r in _api_rows(people["other_group"]))


@pytest.mark.parametrize(("role", "status", "code"), [
    ("practice", 403, "not_care_group_member"), ("other_group", 404, "not_found"), ("purchaser", 404, "not_found"),
    ("other_practice", 404, "not_found"),
])
def test_api_writes_by_role(care_group, practice_3100, people, role, status, code):
    body = {"care_group": care_group.pk, "practice": practice_3100.pk, "programmes": [DM2], "pohs_variant": IN_KETEN}
    assert_error(client_for(people[role]).post("/api/v1/care-group-members/", body, format="json"), status, code)
    assert not ProgrammeParticipation.objects.exists() and not PohsArrangement.objects.exists()


@pytest.mark.parametrize(("body", "code"), [
    ({"programmes": ["ketenzorg-onbekend"]}, "unknown_programme"),
    ({"programmes": [DM2], "pohs_variant": HYBRID, "care_group_amount": "-5"}, "negative_amount"),
    ({"programmes": [DM2], "pohs_variant": HYBRID}, "amount_required"),
])
def test_api_bad_input(care_group, practice_3100, cg_member, body, code):
    data = {"care_group": care_group.pk, "practice": practice_3100.pk, **body}
    assert_error(client_for(cg_member).post("/api/v1/care-group-members/", data, format="json"), 400, code)
    assert not ProgrammeParticipation.objects.exists() and not PohsArrangement.objects.exists()


def test_the_lists_read_in_a_fixed_number_of_queries(client, care_group, cg_member, market):
    api = client_for(cg_member)
    url = reverse("members:list", args=[care_group.pk])
    client.force_login(cg_member)

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as api_queries:
            assert api.get("/api/v1/care-group-members/").status_code == 200
        with CaptureQueriesContext(connection) as page_queries:
            page_html(client, url)
        return len(api_queries), len(page_queries)

    few = counts()
    for n in range(4):
        practice = PracticeFactory(region=market["region"])
        care_group.practices.add(practice)
        member_programmes_set(actor=cg_member, care_group=care_group, practice=practice, programmes=[DM2, COPD])
        pohs_arrangement_set(actor=cg_member, care_group=care_group, practice=practice, variant=IN_KETEN)
    # API: session, user, memberships, count, page of links, programmes, arrangements.
    # Page: session, user, memberships, care group, programmes, count, page of practices, participations,
    # the header's unread count.
    assert counts() == few


# --- Demo ---------------------------------------------------------------------------------------------------------
def test_the_demo_records_programmes_and_arrangements_once(care_group, practice_3100, market):
    for _ in range(3):
        care_group.practices.add(PracticeFactory(region=market["region"]))
    first = seed_members()
    assert first["pohs_arrangements"] == 4 and first["programme_participations"] > 0
    assert seed_members() == {"programme_participations": 0, "pohs_arrangements": 0}
    for arrangement in PohsArrangement.objects.all():
        assert (arrangement.care_group_amount is not None) == (arrangement.variant == HYBRID)
    assert set(ProgrammeParticipation.objects.values_list("module__category", flat=True)) == {"zorgprogramma"}
