"""Who may do what, seen from the accounts side: signing rights, demo secrets, and the organisation querysets
scoped to a user. The scoping itself lives in providers.access; this module feeds it the user's id sets, because
providers sits left of accounts and cannot look at memberships."""

from django.db.models import QuerySet

from insurers.models import Insurer
from providers.access import care_groups_visible_to, insurers_managed_by, practices_visible_to
from providers.models import CareGroup, Practice

from .models import Membership, User
from .selectors import care_group_ids_of, insurer_ids_of, is_nza_or_admin, practice_ids_of
from .services import user_has_two_factor

DEMO_EMAIL_SUFFIX = ".demo"


def shows_demo_secret(user: User) -> bool:
    """Demo accounts (seeded with a known TOTP secret) may see that secret again on their profile, so anyone
    trying the portal can add it to an authenticator app. A real account never gets its secret shown twice;
    demo accounts are recognised by their reserved '.demo' e-mail domain, which cannot exist on the internet."""
    return bool(user.is_authenticated and user.email.lower().endswith(DEMO_EMAIL_SUFFIX))


def user_may_sign(user: User, membership: Membership) -> bool:
    """A membership lets its user sign only when it is a signatory role and the user has a confirmed
    authenticator app. The caller must also require `request.user.is_verified()` for the session."""
    if not user.is_authenticated or membership.user_id != user.pk or not membership.is_signatory:
        return False
    return user_has_two_factor(user)


def practices_for(user: User) -> QuerySet[Practice]:
    return practices_visible_to(see_all=is_nza_or_admin(user), practice_ids=practice_ids_of(user),
                                care_group_ids=care_group_ids_of(user))


def care_groups_for(user: User) -> QuerySet[CareGroup]:
    return care_groups_visible_to(see_all=is_nza_or_admin(user), care_group_ids=care_group_ids_of(user),
                                  practice_ids=practice_ids_of(user))


def insurers_for(user: User) -> QuerySet[Insurer]:
    """Insurers whose internal figures the user may see: its own purchasers, NZa and administrators."""
    return insurers_managed_by(see_all=is_nza_or_admin(user), insurer_ids=insurer_ids_of(user))
