import pytest

from accounts.models import Role
from tests.factories import InsurerFactory, PracticeFactory, make_member


@pytest.fixture
def insurer(db):
    return InsurerFactory(name="Zorgverzekeraar Noord", short_name="Noord", slug="noord")


@pytest.fixture
def practice(db):
    return PracticeFactory()


@pytest.fixture
def insurer_user(insurer):
    """alice: a purchaser of `insurer`."""
    return make_member(Role.INSURER_PURCHASER, insurer, email="inkoper@noord.example")


@pytest.fixture
def practice_user(practice):
    """bob: a member of `practice`."""
    return make_member(Role.PRACTICE_MEMBER, practice, email="medewerker@praktijk.example")


@pytest.fixture
def outsider(db):
    """charlie: a member of another practice, with no access to alice's or bob's organisations."""
    return make_member(Role.PRACTICE_MEMBER, PracticeFactory(), email="buiten@elders.example")
