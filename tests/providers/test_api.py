"""Organisation endpoints: who sees which practice, care group and market share."""

from decimal import Decimal

import pytest

from accounts.models import Role
from tests.factories import (
    CareGroupFactory,
    InsurerFactory,
    MarketShareFactory,
    PracticeFactory,
    RegionFactory,
    make_member,
)
from tests.helpers import client_for


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def nza_user(db):
    return make_member(Role.NZA_ANALYST)


@pytest.fixture
def care_group(practice):
    group = CareGroupFactory()
    group.practices.add(practice)
    return group


@pytest.fixture
def care_group_user(care_group):
    return make_member(Role.CAREGROUP_MEMBER, care_group)


# --- Practices ------------------------------------------------------------------------------------------
def test_practice_member_sees_only_own_practice(practice_user, practice, outsider):
    other = outsider.memberships.get().practice
    client = client_for(practice_user)

    assert ids(client.get("/api/v1/practices/")) == {practice.pk}
    detail = client.get(f"/api/v1/practices/{practice.pk}/")
    assert detail.status_code == 200
    assert detail.json()["agb_code"] == practice.agb_code

    response = client.get(f"/api/v1/practices/{other.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"]


def test_outsider_does_not_see_bobs_practice(outsider, practice):
    response = client_for(outsider).get(f"/api/v1/practices/{practice.pk}/")
    assert response.status_code == 404
    assert practice.pk not in ids(client_for(outsider).get("/api/v1/practices/"))


def test_insurer_purchaser_sees_no_practices_yet(insurer_user, practice):
    client = client_for(insurer_user)
    assert ids(client.get("/api/v1/practices/")) == set()
    assert client.get(f"/api/v1/practices/{practice.pk}/").status_code == 404


def test_care_group_member_sees_member_practices(care_group_user, care_group, practice, outsider):
    second = PracticeFactory()
    care_group.practices.add(second)
    client = client_for(care_group_user)

    assert ids(client.get("/api/v1/practices/")) == {practice.pk, second.pk}
    assert client.get(f"/api/v1/practices/{outsider.memberships.get().practice_id}/").status_code == 404


def test_nza_sees_every_practice(nza_user, practice, outsider):
    assert ids(client_for(nza_user).get("/api/v1/practices/")) == {practice.pk, outsider.memberships.get().practice_id}


def test_practice_fields_and_preferent_insurer(practice_user, practice):
    small = InsurerFactory(name="Klein", short_name="Klein", slug="klein")
    large = InsurerFactory(name="Groot", short_name="Groot", slug="groot")
    MarketShareFactory(region=practice.region, insurer=small, share_percent=Decimal("20"))
    MarketShareFactory(region=practice.region, insurer=large, share_percent=Decimal("55"))
    client = client_for(practice_user)

    row = client.get("/api/v1/practices/").json()["results"][0]
    assert row == {
        "id": practice.pk,
        "name": practice.name,
        "agb_code": practice.agb_code,
        "kvk_number": practice.kvk_number,
        "city": practice.city,
        "region": {"id": practice.region_id, "code": practice.region.code, "name": practice.region.name},
        "registered_patients": practice.registered_patients,
        "preferent_insurer": large.pk,
    }

    # The practice's own choice beats the largest market share.
    practice.preferred_insurer = small
    practice.save()
    assert client.get(f"/api/v1/practices/{practice.pk}/").json()["preferent_insurer"] == small.pk


def test_practice_filters(nza_user):
    north, south = RegionFactory(code="noord"), RegionFactory(code="zuid")
    a = PracticeFactory(region=north)
    b = PracticeFactory(region=south)
    client = client_for(nza_user)

    assert ids(client.get("/api/v1/practices/", {"region": "noord"})) == {a.pk}
    assert ids(client.get("/api/v1/practices/", {"agb_code": b.agb_code})) == {b.pk}
    unknown = client.get("/api/v1/practices/", {"region": "nergens"})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "invalid"


def test_practice_list_queries_do_not_grow(care_group_user, care_group, django_assert_num_queries):
    client = client_for(care_group_user)
    # session, user, memberships, count, practices (preferent insurer is a subquery, region a join)
    for total in (3, 20):
        while care_group.practices.count() < total:
            care_group.practices.add(PracticeFactory())
        with django_assert_num_queries(5):
            response = client.get("/api/v1/practices/")
        assert response.json()["count"] == total


# --- Care groups ----------------------------------------------------------------------------------------
def test_care_groups_scoped(care_group_user, care_group, practice_user, insurer_user, outsider, nza_user):
    elsewhere = CareGroupFactory()
    PracticeFactory()  # belongs to nobody's group; only there to be counted wrongly if scoping leaked

    assert ids(client_for(care_group_user).get("/api/v1/care-groups/")) == {care_group.pk}
    # A practice member sees the groups its practice belongs to.
    assert ids(client_for(practice_user).get("/api/v1/care-groups/")) == {care_group.pk}
    assert ids(client_for(insurer_user).get("/api/v1/care-groups/")) == set()
    assert ids(client_for(outsider).get("/api/v1/care-groups/")) == set()
    assert ids(client_for(nza_user).get("/api/v1/care-groups/")) == {care_group.pk, elsewhere.pk}

    response = client_for(care_group_user).get(f"/api/v1/care-groups/{elsewhere.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_care_group_counts_all_member_practices_for_a_practice_member(practice_user, care_group):
    care_group.practices.add(PracticeFactory(), PracticeFactory())
    row = client_for(practice_user).get(f"/api/v1/care-groups/{care_group.pk}/").json()
    assert row["practice_count"] == 3
    assert row["kind"] == "zorggroep"
    assert row["kind_label"] == "Zorggroep"


def test_care_group_list_queries_do_not_grow(nza_user, django_assert_num_queries):
    client = client_for(nza_user)
    # session, user, memberships, count, care groups (member count is a subquery, region a join)
    for total in (3, 20):
        CareGroupFactory.create_batch(total - len(ids(client.get("/api/v1/care-groups/"))))
        with django_assert_num_queries(5):
            response = client.get("/api/v1/care-groups/")
        assert response.json()["count"] == total


# --- Regions and market shares --------------------------------------------------------------------------
@pytest.fixture
def shares(insurer, practice):
    other = InsurerFactory(name="Zorgverzekeraar Zuid", short_name="Zuid", slug="zuid")
    region = practice.region
    MarketShareFactory(region=region, insurer=insurer, share_percent=Decimal("40.00"))
    MarketShareFactory(region=region, insurer=other, share_percent=Decimal("60.00"))
    return region, insurer, other


def region_shares(user, region) -> list:
    response = client_for(user).get(f"/api/v1/regions/{region.pk}/")
    assert response.status_code == 200
    return [(row["insurer"], row["share_percent"]) for row in response.json()["market_shares"]]


def test_market_shares_visible_by_role(shares, insurer_user, practice_user, nza_user, outsider):
    region, own, other = shares
    assert region_shares(nza_user, region) == [(other.pk, "60.00"), (own.pk, "40.00")]
    assert region_shares(insurer_user, region) == [(own.pk, "40.00")]
    assert region_shares(practice_user, region) == []
    assert region_shares(outsider, region) == []


def test_every_user_sees_every_region(practice_user, outsider):
    mine, theirs = practice_user.memberships.get().practice.region, outsider.memberships.get().practice.region
    assert ids(client_for(practice_user).get("/api/v1/regions/")) == {mine.pk, theirs.pk}


def test_region_list_queries_do_not_grow(insurer_user, insurer, django_assert_num_queries):
    client = client_for(insurer_user)
    # session, user, memberships, count, regions, the visible market shares of all listed regions
    for total in (3, 20):
        for region in RegionFactory.create_batch(total - len(ids(client.get("/api/v1/regions/")))):
            MarketShareFactory(region=region, insurer=insurer)
            MarketShareFactory(region=region)
        with django_assert_num_queries(6):
            response = client.get("/api/v1/regions/")
        assert response.json()["count"] == total
        assert all(len(row["market_shares"]) == 1 for row in response.json()["results"])


# --- Insurers -------------------------------------------------------------------------------------------
def test_insurers_are_public_to_every_logged_in_user(insurer, practice_user, outsider, insurer_user):
    for user in (practice_user, outsider, insurer_user):
        rows = client_for(user).get("/api/v1/insurers/").json()["results"]
        assert {"id": insurer.pk, "name": insurer.name, "short_name": "Noord", "uzovi_code": insurer.uzovi_code,
                "website": ""} in rows


def test_insurer_list_queries_do_not_grow(practice_user, django_assert_num_queries):
    client = client_for(practice_user)
    # session, user, count, insurers
    for total in (3, 20):
        InsurerFactory.create_batch(total - client.get("/api/v1/insurers/").json()["count"])
        with django_assert_num_queries(4):
            response = client.get("/api/v1/insurers/")
        assert response.json()["count"] == total
