"""AGB, KvK and postcode checks: the service and the admin both refuse bad numbers in Dutch and save nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from core.models import AuditEvent
from providers.models import Practice
from providers.services import practice_create
from tests.factories import RegionFactory, UserFactory


@pytest.fixture
def valid_fields(db):
    return {
        "name": "Huisartsenpraktijk De Linde", "agb_code": "01012345", "kvk_number": "12345678",
        "street": "Lindelaan 4", "postcode": "3511 AB", "city": "Utrecht", "region": RegionFactory(),
        "registered_patients": 3100,
    }


@pytest.mark.django_db
def test_valid_practice_is_created_and_audited(valid_fields):
    practice = practice_create(actor=None, **valid_fields)
    assert Practice.objects.filter(pk=practice.pk, agb_code="01012345").exists()
    assert AuditEvent.objects.filter(verb="providers.practice.created", object_id=str(practice.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), [
    ("agb_code", "0101234", "Een AGB-code bestaat uit precies 8 cijfers (u vulde ‘0101234’ in)."),
    ("agb_code", "02012345", "De AGB-code van een huisartsenpraktijk begint met 01 (zorgverlenersoort huisartsen)."),
    ("kvk_number", "1234567A", "Een KvK-nummer bestaat uit precies 8 cijfers (u vulde ‘1234567A’ in)."),
    ("postcode", "351 AB", "Een postcode heeft de vorm 1234 AB."),
    ("postcode", "0511 AB", "Een postcode heeft de vorm 1234 AB."),
])
def test_practice_create_refuses_bad_numbers(valid_fields, field, value, message):
    before = Practice.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        practice_create(actor=None, **{**valid_fields, field: value})
    assert excinfo.value.message_dict[field] == [message]
    assert Practice.objects.count() == before
    assert not AuditEvent.objects.filter(verb="providers.practice.created").exists()


@pytest.mark.django_db
def test_admin_add_form_refuses_a_bad_agb_in_dutch(valid_fields):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    data = {**valid_fields, "region": valid_fields["region"].pk, "agb_code": "02012345", "preferred_insurer": ""}

    response = client.post("/beheer/providers/practice/add/", data)

    assert response.status_code == 200  # the form again, not a redirect to the list
    assert "De AGB-code van een huisartsenpraktijk begint met 01" in response.content.decode()
    assert Practice.objects.count() == 0
    # The same data with a GP code goes through, so the refusal was about the AGB code alone.
    response = client.post("/beheer/providers/practice/add/", {**data, "agb_code": "01012345"})
    assert response.status_code == 302
    assert Practice.objects.filter(agb_code="01012345").count() == 1
