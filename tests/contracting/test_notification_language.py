"""Every kind of notice the contracting app sends reads Dutch in the Dutch inbox and API, and English with the
English UI (also the labels, dates and counts inside it); the e-mail goes out in Dutch."""


import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, Role
from accounts.services import notifications_email_due
from contracting.models import Milestone
from contracting.services import (
    follow_request_decide,
    follow_requests_create,
    milestones_sweep,
    offer_sign,
    question_ask,
)
from contracting.services.offers import offer_ask_signatories
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams
from tests.factories import make_member
from tests.helpers import text

pytestmark = pytest.mark.django_db


def milestone_notice(f):
    milestones_sweep(now=ams(2026, 10, 1, 0, 5))
    signing_open = Milestone.objects.get(contract_year__year=2027, kind="signing_open")
    return f["signatory"], f"milestone:{signing_open.pk}", {
        "nl": ("Contractjaar 2027: Contracteerportalen open; ondertekenen mogelijk",
               "Vanaf 1 oktober 2026: Contracteerportalen open; ondertekenen mogelijk. Bekijk de kalender van "
               "contractjaar 2027 in het portaal."),
        "en": ("Contract year 2027: Contracting portals open; signing possible",
               "From 1 October 2026: Contracting portals open; signing possible. See the calendar for contract "
               "year 2027 in the portal."),
    }


def reminder(f):
    milestones_sweep(now=ams(2026, 10, 24, 8, 0))
    fourteen = Milestone.objects.get(contract_year__year=2027, kind="signing_reminder_14")
    return f["signatory"], f"milestone:{fourteen.pk}", {
        "nl": ("Nog 14 dagen: uw contracten voor 2027 ondertekenen",
               "U heeft nog niet ondertekende contracten voor 2027. Ondertekenen kan tot en met 7 november."),
        "en": ("14 days left: sign your contracts for 2027",
               "You have contracts for 2027 that are not signed yet. You can sign up to and including 7 November."),
    }


def question(f):
    # Asked on Thursday 15 October: five working days are Fri 16, Mon 19, Tue 20, Wed 21 and Thu 22 October.
    asked = question_ask(actor=f["member"], offer=f["offer"], text="Geldt het plafond per locatie?", now=IN_WINDOW)
    practice = f["offer"].practice.name
    return f["purchaser"], f"request:{asked.pk}", {
        "nl": ("Nieuwe vraag over Huisartsenzorg 2027",
               f"{practice} stelde een vraag. Antwoord uiterlijk 22 oktober 2026."),
        "en": ("New question about Huisartsenzorg 2027",
               f"{practice} asked a question. Answer by 22 October 2026."),
    }


def request_to_sign(f):
    offer_ask_signatories(actor=f["member"], offer=f["offer"], now=IN_WINDOW)
    practice = f["offer"].practice.name
    return f["signatory"], f"offer-sign-request:{f['offer'].pk}:{f['member'].pk}", {
        "nl": ("Verzoek om te ondertekenen: Huisartsenzorg 2027",
               f"Anna Assistent vraagt u het contract van Preferente Verzekeraar voor {practice} te ondertekenen. "
               "Ondertekenen kan tot en met 7 november 2026."),
        "en": ("Request to sign: Huisartsenzorg 2027",
               f"Anna Assistent asks you to sign the contract with Preferente Verzekeraar for {practice}. "
               "You can sign up to and including 7 November 2026."),
    }


def signed(f):
    signature = offer_sign(actor=f["signatory"], offer=f["offer"], now=IN_WINDOW, modules=CHOICE,
                           two_factor_verified=True)
    practice = f["offer"].practice.name
    return f["member"], f"offer-signed:{f['offer'].pk}", {
        "nl": ("Ondertekend: Huisartsenzorg 2027",
               f"Dr. Tekenbevoegd heeft het contract van Preferente Verzekeraar voor {practice} ondertekend op "
               f"15 oktober 2026, 10:00. Kenmerk (SHA-256): {signature.content_hash}"),
        "en": ("Signed: Huisartsenzorg 2027",
               f"Dr. Tekenbevoegd signed the contract with Preferente Verzekeraar for {practice} on "
               f"15 October 2026, 10:00. Reference (SHA-256): {signature.content_hash}"),
    }


def _follow_request(f):
    offer_sign(actor=f["signatory"], offer=f["offer"], now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    f["offer"].refresh_from_db()
    return follow_requests_create(actor=f["member"], offer=f["offer"], insurers=[f["market"]["other"]],
                                  now=IN_WINDOW)[0]


def follow_request(f):
    fr = _follow_request(f)
    practice = f["offer"].practice.name
    return f["other_purchaser"], f"follow:{fr.pk}", {
        "nl": (f"Volgverzoek van {practice}",
               f"{practice} biedt het ondertekende contract van Preferente Verzekeraar ter volging aan."),
        "en": (f"Follow request from {practice}",
               f"{practice} offers its signed contract with Preferente Verzekeraar for you to follow."),
    }


def follow_decision(f):
    fr = follow_request_decide(actor=f["other_purchaser"], follow_request=_follow_request(f), decision="declined",
                               explanation="Wij kopen in deze regio niet in.", now=IN_WINDOW)
    return f["member"], f"follow-decided:{fr.pk}", {
        "nl": ("Besluit op uw volgverzoek aan Verre Verzekeraar",
               "Verre Verzekeraar besloot: Niet gevolgd. Toelichting: Wij kopen in deze regio niet in."),
        "en": ("Decision on your follow request to Verre Verzekeraar",
               "Verre Verzekeraar decided: Not followed. Explanation: Wij kopen in deze regio niet in."),
    }


@pytest.fixture
def member(practice_3100):
    return make_member(Role.PRACTICE_MEMBER, practice_3100, email="assistent@praktijk.example",
                       full_name="Anna Assistent")


@pytest.fixture
def actors(offer, member, signatory, purchaser, other_purchaser, market):
    signatory.full_name = "Dr. Tekenbevoegd"
    signatory.save()
    return {"offer": offer, "member": member, "signatory": signatory, "purchaser": purchaser,
            "other_purchaser": other_purchaser, "market": market}


@pytest.mark.parametrize("caller", [milestone_notice, reminder, question, request_to_sign, signed, follow_request,
                                    follow_decision], ids=lambda c: c.__name__)
def test_each_notice_reads_in_the_readers_language(client, actors, caller):
    reader, key, expected = caller(actors)
    notice = Notification.objects.get(user=reader, key=key)

    client.force_login(reader)
    api = APIClient()
    api.force_authenticate(reader)
    for language in ("nl", "en"):
        subject, body = expected[language]
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        page = text(client.get(reverse("accounts:inbox")).content.decode())
        assert subject in page and body in page, page

        row = api.get(f"/api/v1/notifications/{notice.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()
        assert (row["subject"], row["body"]) == (subject, body)

    # The e-mail is Dutch, whatever language the reader last used in the portal.
    notifications_email_due(now=timezone.now(), base_url="https://portaal.example")
    (message,) = [m for m in mail.outbox if m.to == [reader.email] and m.subject == expected["nl"][0]]
    assert message.body.startswith(expected["nl"][1])
