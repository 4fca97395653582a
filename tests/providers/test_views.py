"""Organisation pages (served by accounts, because they list memberships): who sees which practice, care group
and insurer. Out of scope is always a 404, never a 403."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from tests.factories import (
    CareGroupFactory,
    InsurerFactory,
    MarketShareFactory,
    OverlegTeamFactory,
    PracticeFactory,
    UserFactory,
    make_member,
)
from tests.helpers import client_for


def practice_url(practice) -> str:
    return reverse("accounts:practice_detail", args=[practice.pk])


def care_group_url(group) -> str:
    return reverse("accounts:care_group_detail", args=[group.pk])


def insurer_url(insurer) -> str:
    return reverse("accounts:insurer_detail", args=[insurer.pk])


@pytest.fixture
def nza_user(db):
    return make_member(Role.NZA_ANALYST, email="analist@nza.example")


@pytest.fixture
def care_group(practice):
    group = CareGroupFactory(name="Zorggroep Oost")
    group.practices.add(practice)
    return group


# --- Practice -------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_practice_user_sees_own_practice(practice_user, practice, insurer):
    MarketShareFactory(region=practice.region, insurer=insurer, share_percent=Decimal("44.00"))
    MarketShareFactory(region=practice.region, insurer=InsurerFactory(), share_percent=Decimal("20.00"))
    colleague = make_member(Role.PRACTICE_SIGNATORY, practice, full_name="Dr. A. de Vries")

    response = client_for(practice_user).get(practice_url(practice))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (practice.name, practice.agb_code, practice.kvk_number, practice.street, practice.postcode,
                 practice.city, practice.region.name, "2.350"):
        assert text in body
    assert f"{insurer.name} —" in body
    assert f"grootste marktaandeel in regio {practice.region.name} (44,0%)" in body
    assert colleague.full_name in body and "Tekenbevoegde praktijk" in body
    assert practice_user.email in body


@pytest.mark.django_db
def test_practice_page_names_the_practices_own_choice(practice_user, practice, insurer):
    MarketShareFactory(region=practice.region, insurer=InsurerFactory(name="Grootste"), share_percent=Decimal("60"))
    practice.preferred_insurer = insurer
    practice.save()
    body = client_for(practice_user).get(practice_url(practice)).content.decode()
    assert f"{insurer.name} —" in body
    assert "gekozen door de praktijk" in body
    assert "grootste marktaandeel" not in body


@pytest.mark.django_db
def test_practice_without_market_shares_says_preferent_is_unknown(practice_user, practice):
    body = client_for(practice_user).get(practice_url(practice)).content.decode()
    assert "Nog niet bekend" in body


@pytest.mark.django_db
def test_outsider_gets_404_on_someone_elses_practice(outsider, practice):
    assert client_for(outsider).get(practice_url(practice)).status_code == 404


@pytest.mark.django_db
def test_insurer_user_gets_404_on_a_practice(insurer_user, practice):
    assert client_for(insurer_user).get(practice_url(practice)).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, practice):
    response = client.get(practice_url(practice))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Care group -----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_care_group_member_sees_the_group_and_its_practices(care_group, practice):
    other = PracticeFactory(name="Praktijk Tweede")
    care_group.practices.add(other)
    member = make_member(Role.CAREGROUP_MEMBER, care_group, full_name="Coördinator Zorggroep")
    body = client_for(member).get(care_group_url(care_group)).content.decode()
    assert care_group.name in body and care_group.kvk_number in body
    assert practice_url(practice) in body and practice_url(other) in body
    assert member.full_name in body
    # and through the group, its member practices
    assert client_for(member).get(practice_url(other)).status_code == 200


@pytest.mark.django_db
def test_practice_member_sees_its_care_group_but_not_the_other_practices(care_group, practice_user, practice):
    other = PracticeFactory(name="Praktijk Tweede")
    care_group.practices.add(other)
    client = client_for(practice_user)
    assert care_group.name in client.get(practice_url(practice)).content.decode()
    body = client.get(care_group_url(care_group)).content.decode()
    assert practice.name in body
    assert other.name not in body
    assert "U ziet alleen de praktijken waarvoor u optreedt" in body
    assert client.get(practice_url(other)).status_code == 404


@pytest.mark.django_db
def test_outsider_gets_404_on_a_care_group(care_group, outsider):
    assert client_for(outsider).get(care_group_url(care_group)).status_code == 404


# --- Insurer --------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_insurer_user_sees_own_insurer_page(insurer_user, insurer):
    share = MarketShareFactory(insurer=insurer, share_percent=Decimal("47.50"))
    team = OverlegTeamFactory(insurer=insurer, region=share.region, name="OTH Noord-Oost")
    body = client_for(insurer_user).get(insurer_url(insurer)).content.decode()
    assert insurer.name in body and insurer.uzovi_code in body
    assert share.region.name in body and "47,5%" in body
    assert team.name in body
    assert insurer_user.email in body


@pytest.mark.django_db
def test_insurer_user_gets_404_on_another_insurer(insurer_user):
    other = InsurerFactory()
    assert client_for(insurer_user).get(insurer_url(other)).status_code == 404


@pytest.mark.django_db
def test_practice_and_overlegteam_users_get_404_on_insurer_page(practice_user, insurer):
    oth = make_member(Role.OTH_MEMBER, OverlegTeamFactory(insurer=insurer))
    assert client_for(practice_user).get(insurer_url(insurer)).status_code == 404
    assert client_for(oth).get(insurer_url(insurer)).status_code == 404


# --- NZa and administrators -----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("who", ["nza", "administrator", "superuser"])
def test_nza_and_admins_see_every_organisation(who, practice, care_group, insurer):
    if who == "nza":
        user = make_member(Role.NZA_ANALYST)
    elif who == "administrator":
        user = make_member(Role.ADMINISTRATOR)
    else:
        user = UserFactory(is_superuser=True, is_staff=True)
    client = client_for(user)
    assert client.get(practice_url(practice)).status_code == 200
    assert client.get(practice_url(PracticeFactory())).status_code == 200
    assert client.get(care_group_url(care_group)).status_code == 200
    assert client.get(insurer_url(insurer)).status_code == 200
    assert client.get(insurer_url(InsurerFactory())).status_code == 200
    body = client.get(reverse("accounts:organisations")).content.decode()
    assert practice_url(practice) in body and care_group_url(care_group) in body and insurer_url(insurer) in body


# --- Mijn organisaties ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_organisations_lists_own_memberships_only(practice_user, practice, outsider, insurer):
    Membership.objects.create(user=practice_user, role=Role.INSURER_PURCHASER, insurer=insurer)
    body = client_for(practice_user).get(reverse("accounts:organisations")).content.decode()
    assert practice_url(practice) in body and insurer_url(insurer) in body
    assert "Praktijkmedewerker" in body and "Zorginkoper" in body
    other_practice = outsider.memberships.get().practice
    assert other_practice.name not in body
    assert "Alle huisartsenpraktijken" not in body


@pytest.mark.django_db
def test_organisations_without_memberships_says_what_will_appear():
    body = client_for(UserFactory()).get(reverse("accounts:organisations")).content.decode()
    assert "Uw account is nog niet aan een organisatie gekoppeld" in body


@pytest.mark.django_db
def test_nza_can_search_practices(nza_user):
    PracticeFactory(name="Huisartsen Lewenborg", city="Groningen")
    PracticeFactory(name="Praktijk Zuid", city="Maastricht")
    body = client_for(nza_user).get(reverse("accounts:organisations"), {"q": "lewen"}).content.decode()
    assert "Huisartsen Lewenborg" in body and "Praktijk Zuid" not in body
    body = client_for(nza_user).get(reverse("accounts:organisations"), {"q": "zzz"}).content.decode()
    assert "Geen praktijken gevonden" in body


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_organisations_list_query_count_is_flat(nza_user, practice_user, practice):
    url = reverse("accounts:organisations")
    nza = client_for(nza_user)
    member = client_for(practice_user)
    nza_few, member_few = _count_queries(nza, url), _count_queries(member, url)

    for n in range(30):
        group = CareGroupFactory()
        group.practices.add(PracticeFactory())
        InsurerFactory()
        Membership.objects.create(user=practice_user, role=Role.CAREGROUP_MEMBER, care_group=group)
    assert _count_queries(nza, url) == nza_few
    assert _count_queries(member, url) == member_few
    # NZa: session, user, memberships, unread count, insurers, care groups, practice count, practice page
    assert nza_few <= 8
    # member: session, user, memberships, unread count
    assert member_few <= 4


@pytest.mark.django_db
def test_practice_page_query_count_is_flat(practice_user, practice):
    url = practice_url(practice)
    client = client_for(practice_user)
    few = _count_queries(client, url)
    for _ in range(20):
        make_member(Role.PRACTICE_MEMBER, practice)
        CareGroupFactory().practices.add(practice)
    assert _count_queries(client, url) == few
