"""Care-group contracting: the S2 catalogue, the negotiation thread, the care-group calendar, signing and the
inclusieplafond."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from contracting.models import (
    ImmutableError,
    KetenPatientReport,
    Negotiation,
    NegotiationStep,
    Offer,
    StepAttachment,
)
from contracting.selectors import caregroup_offers_late, signing_window_at, step_diff
from contracting.services import (
    deadlines_sweep,
    keten_patients_report,
    negotiation_accept,
    negotiation_counter,
    negotiation_offer,
    negotiation_submit,
    offer_sign,
)
from core.errors import PortalError
from core.models import AuditEvent
from tests.contracting.conftest import ams
from tests.factories import CareGroupFactory, make_member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BEFORE_JULY = ams(2026, 6, 10, 10, 0)


def pdf(name="begroting.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


DM2 = {"code": "ketenzorg-dm2", "expected_patients": 1200, "tariff": "45.00",
       "components": {"voetzorg": "separate"}, "inclusion_ceiling_percent": "5"}
OI = {"code": "oi-wijkmanagement", "tariff": "2.50", "lumpsum": "20000", "staffel_from": 10000}
TERMS = {"programmes": [DM2], "oi": [OI], "oi_budget": {"ict": "15000", "huisvesting": "5000"}}


def submit(cg_member, care_group, market, terms=TERMS, now=BEFORE_JULY, **kwargs):
    return negotiation_submit(actor=cg_member, care_group=care_group, insurer=market["preferent"], year=2027,
                              terms=terms, budget=kwargs.pop("budget", pdf()),
                              work_plan=kwargs.pop("work_plan", pdf("werkplan.pdf")), now=now, **kwargs)


def agreed(cg_member, purchaser, care_group, market):
    submit(cg_member, care_group, market)
    offer_terms = {**TERMS, "programmes": [{**DM2, "tariff": "40.00"}]}
    step = negotiation_offer(actor=purchaser, insurer=market["preferent"], care_group=care_group, year=2027,
                             terms=offer_terms, now=ams(2026, 7, 1, 10, 0))
    counter = negotiation_counter(actor=cg_member, negotiation=step.negotiation,
                                  terms={**TERMS, "programmes": [{**DM2, "tariff": "42.50"}]},
                                  now=ams(2026, 7, 20, 10, 0))
    return negotiation_accept(actor=purchaser, negotiation=counter.negotiation, now=ams(2026, 8, 1, 10, 0),
                              expected_step=counter.number)


# --- Negotiation ------------------------------------------------------------------------------------------
def test_thread_submit_offer_counter_accept_and_sign(cg_member, cg_signatory, purchaser, care_group, market,
                                                     year2027):
    acceptance = agreed(cg_member, purchaser, care_group, market)
    negotiation = Negotiation.objects.get()
    steps = list(negotiation.steps.order_by("number").values_list("number", "kind", "side", "actor__email"))
    assert steps == [(1, "submission", "care_group", "coordinator@zorggroep.example"),
                     (2, "offer", "insurer", "inkoper@pref.example"),
                     (3, "counter", "care_group", "coordinator@zorggroep.example"),
                     (4, "acceptance", "insurer", "inkoper@pref.example")]
    assert acceptance.terms["programmes"][0]["tariff"] == "42.50"
    assert negotiation.status == Negotiation.Status.AGREED
    assert set(StepAttachment.objects.values_list("kind", flat=True)) == {"begroting", "werkplan"}

    offer = negotiation.offer
    assert offer.care_group == care_group and offer.status == Offer.Status.OPEN
    signature = offer_sign(actor=cg_signatory, offer=offer, now=ams(2026, 9, 1, 10, 0), two_factor_verified=True)
    # Ketenzorg: 42.50 × 1,200 × 4 = 204,000; O&I: 20,000 + 2.50 × (25,000 − 10,000) = 57,500.
    assert signature.content["agreement"]["ketenzorg_estimate"] == "204000.00"
    assert signature.content["agreement"]["terms"] == acceptance.terms
    assert signature.estimated_amount == Decimal("261500.00")
    dm2 = next(m for m in signature.content["modules"] if m["code"] == "ketenzorg-dm2")
    assert dm2["expected_patients"] == 1200 and dm2["components"]["voetzorg"] == "separate"
    assert dm2["unit"] == "per_ketenpatient_kwartaal"
    negotiation.refresh_from_db()
    assert negotiation.status == Negotiation.Status.SIGNED


def test_steps_are_immutable(cg_member, care_group, market, year2027):
    step = submit(cg_member, care_group, market)
    step.note = "changed"
    with pytest.raises(ImmutableError):
        step.save()
    with pytest.raises(ImmutableError):
        step.delete()
    with pytest.raises(ImmutableError):
        step.attachments.first().delete()
    assert NegotiationStep.objects.get(pk=step.pk).note == ""


def test_submitting_twice_gives_the_same_step(cg_member, care_group, market, year2027):
    first = submit(cg_member, care_group, market)
    assert submit(cg_member, care_group, market) == first
    assert NegotiationStep.objects.count() == 1


@pytest.mark.parametrize("terms, code, words", [
    ({"programmes": [{**DM2, "code": "ketenzorg-hartfalen"}]}, "unknown_programme", "Onbekend zorgprogramma"),
    ({"programmes": [{**DM2, "expected_patients": -5}]}, "invalid_patients", "kan niet negatief zijn"),
    ({"programmes": [{**DM2, "tariff": "-1"}]}, "invalid_amount", "kan niet negatief zijn"),
    ({"programmes": [{**DM2, "components": {"dietetiek": "half"}}]}, "invalid_component_mode", "integrale tarief"),
    ({"programmes": [{**DM2, "inclusion_ceiling_percent": "150"}]}, "invalid_ceiling", "ten hoogste 100"),
    ({"programmes": [], "oi": []}, "terms_empty", "ten minste één"),
])
def test_bad_terms_are_refused_and_nothing_is_saved(cg_member, care_group, market, year2027, terms, code, words):
    with pytest.raises(PortalError) as exc:
        submit(cg_member, care_group, market, terms=terms)
    assert exc.value.code == code and words in exc.value.detail
    assert not NegotiationStep.objects.exists() and not Negotiation.objects.exists()


@pytest.mark.parametrize("upload, code", [
    (pdf("begroting.pdf", b"not a pdf at all"), "attachment_type"),
    (pdf("begroting.docx"), "attachment_type"),
    (pdf("b" * 197 + ".pdf"), "attachment_name_too_long"),
    (pdf("begroting.pdf", PDF + b"0" * (10 * 1024 * 1024)), "attachment_too_large"),
])
def test_bad_uploads_are_refused_and_nothing_is_saved(cg_member, care_group, market, year2027, upload, code):
    with pytest.raises(PortalError) as exc:
        submit(cg_member, care_group, market, budget=upload)
    assert exc.value.code == code
    assert not NegotiationStep.objects.exists() and not StepAttachment.objects.exists()


def test_a_counter_after_agreement_is_refused(cg_member, purchaser, care_group, market, year2027):
    acceptance = agreed(cg_member, purchaser, care_group, market)
    with pytest.raises(PortalError) as exc:
        negotiation_counter(actor=cg_member, negotiation=acceptance.negotiation, terms=TERMS,
                            now=ams(2026, 8, 2, 10, 0))
    assert exc.value.code == "negotiation_agreed"
    assert acceptance.negotiation.steps.count() == 4


def test_a_step_by_another_organisation_is_refused(cg_member, care_group, market, other_purchaser, year2027):
    step = submit(cg_member, care_group, market)
    stranger = make_member(Role.CAREGROUP_MEMBER, CareGroupFactory(region=market["region"]))
    for actor in (other_purchaser, stranger):
        with pytest.raises(PortalError) as exc:
            negotiation_counter(actor=actor, negotiation=step.negotiation, terms=TERMS, now=BEFORE_JULY)
        assert exc.value.code == "not_party" and exc.value.status == 403
    assert step.negotiation.steps.count() == 1


def test_a_side_cannot_counter_its_own_step(cg_member, care_group, market, year2027):
    step = submit(cg_member, care_group, market)
    with pytest.raises(PortalError) as exc:
        negotiation_counter(actor=cg_member, negotiation=step.negotiation, terms=TERMS, now=BEFORE_JULY)
    assert exc.value.code == "not_your_turn"


def test_the_diff_shows_two_steps_side_by_side(cg_member, purchaser, care_group, market, year2027):
    agreed(cg_member, purchaser, care_group, market)
    steps = list(NegotiationStep.objects.order_by("number"))
    sections = step_diff(steps[0], steps[1], 25000)
    dm2 = sections[0]
    assert dm2.title == "Ketenzorg diabetes mellitus type 2"
    tariff = next(r for r in dm2.rows if r.label.startswith("Tarief"))
    assert (tariff.left, tariff.right, tariff.changed) == ("45.00", "40.00", True)
    # The components in the catalogue's order, whatever order the database gives a JSON object's keys.
    assert [r.label for r in dm2.rows if r.kind == "mode"] == ["Diëtetiek", "Voetzorg", "Fundus/oogarts",
                                                                "Specialist", "Stoppen met roken", "Lab"]
    patients = next(r for r in dm2.rows if r.label.startswith("Verwachte"))
    assert (patients.left, patients.right, patients.changed) == ("1200", "1200", False)
    estimate = sections[-1].rows[0]
    assert (estimate.left, estimate.right) == ("216000.00", "192000.00")  # 45 and 40 × 1,200 × 4


# --- Calendar ---------------------------------------------------------------------------------------------
def test_care_group_signing_closes_at_the_end_of_1_october(cg_member, cg_signatory, purchaser, care_group, market,
                                                           year2027):
    agreed(cg_member, purchaser, care_group, market)
    offer = Offer.objects.get(care_group=care_group)
    assert signing_window_at(2027, ams(2026, 10, 1, 23, 59, 59), "care_group").state == "open"
    assert signing_window_at(2027, ams(2026, 10, 2, 0, 0), "care_group").state == "closed"
    assert signing_window_at(2027, ams(2026, 10, 2, 0, 0), "practice").state == "open"  # practices until 7 Nov
    with pytest.raises(PortalError) as exc:
        offer_sign(actor=cg_signatory, offer=offer, now=ams(2026, 10, 2, 0, 0, 1), two_factor_verified=True)
    assert exc.value.code == "signing_window_closed" and "1 oktober 2026" in exc.value.detail
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_steps_close_with_care_group_signing(cg_member, care_group, market, year2027):
    with pytest.raises(PortalError) as exc:
        submit(cg_member, care_group, market, now=ams(2026, 10, 2, 0, 0))
    assert exc.value.code == "negotiation_closed" and "1 oktober 2026" in exc.value.detail
    assert not Negotiation.objects.exists()


def test_unsigned_care_group_offers_expire_once_at_the_deadline(cg_member, purchaser, care_group, market,
                                                                year2027, offer):
    agreed(cg_member, purchaser, care_group, market)
    open_negotiation = negotiation_offer(actor=purchaser, insurer=market["preferent"], year=2027,
                                         care_group=CareGroupFactory(region=market["region"]), terms=TERMS,
                                         now=ams(2026, 7, 1, 9, 0)).negotiation
    deadlines_sweep(now=ams(2026, 10, 2, 0, 5))
    deadlines_sweep(now=ams(2026, 10, 2, 0, 10))
    cg_offer = Offer.objects.get(care_group=care_group)
    assert cg_offer.status == Offer.Status.EXPIRED
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN  # the practice's offer runs to 7 November
    assert AuditEvent.objects.filter(verb="contracting.offer.expired", object_id=str(cg_offer.pk)).count() == 1
    open_negotiation.refresh_from_db()
    assert open_negotiation.status == Negotiation.Status.EXPIRED


def test_an_insurer_without_an_offer_by_15_july_is_flagged_late(cg_member, purchaser, care_group, market, year2027):
    late_group = CareGroupFactory(name="Gezondheidscentrum Noord", region=market["region"])
    negotiation_offer(actor=purchaser, insurer=market["preferent"], care_group=care_group, year=2027, terms=TERMS,
                      now=ams(2026, 7, 15, 23, 0))
    assert caregroup_offers_late(2027, now=ams(2026, 7, 15, 23, 59)) == []  # not due yet
    late = caregroup_offers_late(2027, now=ams(2026, 7, 16, 0, 0))
    assert [(x.insurer_name, x.care_group.name, x.offered_at) for x in late] == [
        ("Preferente Verzekeraar", "Gezondheidscentrum Noord", None)]
    assert caregroup_offers_late(2027, now=ams(2026, 7, 16, 0, 0), insurer_ids=[market["other"].pk]) == []
    assert late_group.pk == late[0].care_group.pk


# --- Inclusieplafond --------------------------------------------------------------------------------------
def test_the_inclusieplafond_is_enforced_when_the_care_group_reports(cg_member, cg_signatory, purchaser,
                                                                     care_group, market, year2027):
    agreed(cg_member, purchaser, care_group, market)
    offer = Offer.objects.get(care_group=care_group)
    offer_sign(actor=cg_signatory, offer=offer, now=ams(2026, 9, 1, 10, 0), two_factor_verified=True)
    offer.refresh_from_db()
    # 5% of 25,000 = 1,250.
    report = keten_patients_report(actor=cg_member, offer=offer, programme="ketenzorg-dm2", quarter=1,
                                   patients=1250, now=ams(2027, 4, 2, 10, 0))
    assert report.patients == 1250
    with pytest.raises(PortalError) as exc:
        keten_patients_report(actor=cg_member, offer=offer, programme="ketenzorg-dm2", quarter=2, patients=1251,
                              now=ams(2027, 7, 2, 10, 0))
    assert exc.value.code == "inclusion_ceiling_exceeded"
    assert exc.value.detail == ("1.251 patiënten in de keten Ketenzorg diabetes mellitus type 2 is meer dan het "
                                "inclusieplafond: ten hoogste 5% van uw populatie van 25.000, dat is 1.250 "
                                "patiënten. Er is niets opgeslagen.")
    assert KetenPatientReport.objects.count() == 1
    for programme, patients, code in (("ketenzorg-copd", 10, "unknown_programme"),
                                      ("ketenzorg-dm2", -1, "invalid_patients")):
        with pytest.raises(PortalError) as exc:
            keten_patients_report(actor=cg_member, offer=offer, programme=programme, quarter=3, patients=patients,
                                  now=ams(2027, 7, 2, 10, 0))
        assert exc.value.code == code
    assert KetenPatientReport.objects.count() == 1


def test_the_admin_shows_steps_read_only(cg_member, care_group, market, year2027, client):
    from django.contrib.auth import get_user_model

    step = submit(cg_member, care_group, market)
    admin = get_user_model().objects.create_superuser(email="beheer@portaal.example", password="x-y-z-12345678")
    client.force_login(admin)
    url = f"/beheer/contracting/negotiationstep/{step.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and b'name="note"' not in page.content
    assert client.post(url, {"note": "changed"}).status_code == 403
    assert NegotiationStep.objects.get(pk=step.pk).note == ""


# --- Followed and registered like a practice's contract -----------------------------------------------------
def test_a_signed_care_group_contract_is_followed_and_registered(cg_member, cg_signatory, purchaser, other_purchaser,
                                                                 care_group, market, year2027):
    from contracting.models import FollowRequest, RegisterEntry
    from contracting.services import follow_request_decide, follow_requests_create, register_publish

    agreed(cg_member, purchaser, care_group, market)
    offer = Offer.objects.get(care_group=care_group)
    offer_sign(actor=cg_signatory, offer=offer, now=ams(2026, 9, 1, 10, 0), two_factor_verified=True)
    offer.refresh_from_db()
    request = follow_requests_create(actor=cg_signatory, offer=offer, insurers=[market["other"]],
                                     now=ams(2026, 9, 2, 10, 0))[0]
    follow_request_decide(actor=other_purchaser, follow_request=request, decision=FollowRequest.Status.FOLLOWED,
                          now=ams(2026, 11, 20, 10, 0))
    register_publish(year=2027, effective_at=ams(2026, 11, 19, 0, 0))
    lines = set(RegisterEntry.objects.filter(year=2027).values_list("insurer__name", "name", "kind"))
    assert lines == {("Preferente Verzekeraar", "Zorggroep Rivierenland", "care_group"),
                     ("Verre Verzekeraar", "Zorggroep Rivierenland", "care_group")}
