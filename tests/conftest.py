import pytest

from accounts.models import Role
from tests.factories import InsurerFactory, PracticeFactory, make_member


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """The production hasher takes most of a second per user on these machines; tests need no strong hashes."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture(autouse=True)
def _module_catalogue(request):
    """The module catalogue comes from a data migration; a transaction=True test flushes it away afterwards,
    so put it back for every test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and not {"db", "transactional_db"} & set(names):
        return
    if "transactional_db" in names or (marker is not None and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    from contracting.services.catalogue import module_catalogue_ensure

    module_catalogue_ensure()


@pytest.fixture(autouse=True)
def _language_reset():
    """A test-client request leaves its language active in the thread; start and end every test in Dutch."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.activate("nl")
