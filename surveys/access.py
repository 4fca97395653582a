"""Who may do what with surveys. Scope comes from querysets: a survey outside the user's scope is a 404."""

from django.utils.translation import gettext as _

from accounts.selectors import is_nza_or_admin
from contracting.access import is_insurer_purchaser
from core.errors import Forbidden


def may_own_survey(user, owner_insurer_id: int | None) -> bool:
    """An insurer's survey (its evaluation, a qualification questionnaire) is run by that insurer's purchasers;
    a survey without an owner insurer (the NZa's, the yearly GP satisfaction survey) by the NZa or an
    administrator. Actor None is the system (demo data, the engine)."""
    if user is None:
        return True
    if owner_insurer_id is not None:
        return is_insurer_purchaser(user, owner_insurer_id)
    return is_nza_or_admin(user)


def require_survey_owner(user, owner_insurer_id: int | None) -> None:
    if not may_own_survey(user, owner_insurer_id):
        raise Forbidden("not_survey_owner", _("Alleen wie de enquête uitzet, kan dit doen."))
