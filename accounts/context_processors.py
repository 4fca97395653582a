from .models import Role
from .selectors import is_nza_or_admin, memberships_of, unread_count

PROVIDER_ROLES = {Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY, Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY}


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = memberships_of(user)
    roles = {m.role for m in memberships}
    return {
        "memberships": memberships,
        "primary_membership": memberships[0] if memberships else None,
        "unread_notifications": unread_count(user),
        "nav_provider": bool(roles & PROVIDER_ROLES),
        "nav_caregroup": bool(roles & {Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY}),
        "nav_purchaser": Role.INSURER_PURCHASER in roles,
        "nav_nza": is_nza_or_admin(user),
        "nav_overleg": bool(roles & {Role.OTH_MEMBER, Role.INSURER_PURCHASER}),
        "nav_oth": Role.OTH_MEMBER in roles,
    }
