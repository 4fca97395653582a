from .selectors import memberships_of, unread_count


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = memberships_of(user)
    return {
        "memberships": memberships,
        "primary_membership": memberships[0] if memberships else None,
        "unread_notifications": unread_count(user),
    }
