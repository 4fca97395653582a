"""Reads of the accounts app: who acts for what."""

from datetime import datetime

from django.db.models import Case, Q, QuerySet, When
from django.utils.crypto import constant_time_compare, salted_hmac

from core.params import parse_id

from .models import CalendarFeed, Membership, Notification, Role, User


def memberships_of(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_memberships_cache", None)
    if cache is None:
        cache = list(
            Membership.objects.filter(user=user)
            .select_related("insurer", "practice", "care_group", "overleg_team", "overleg_team__insurer",
                            "overleg_team__region")
            .order_by("role", "pk")
        )
        user._memberships_cache = cache
    return cache


def user_roles(user: User) -> set[str]:
    return {m.role for m in memberships_of(user)}


def user_has_role(user: User, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_nza_or_admin(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user_has_role(user, Role.NZA_ANALYST,
                                                                               Role.ADMINISTRATOR)))


def insurer_ids_of(user: User) -> set[int]:
    return {m.insurer_id for m in memberships_of(user) if m.insurer_id}


def practice_ids_of(user: User) -> set[int]:
    return {m.practice_id for m in memberships_of(user) if m.practice_id}


def care_group_ids_of(user: User) -> set[int]:
    return {m.care_group_id for m in memberships_of(user) if m.care_group_id}


def overleg_team_ids_of(user: User) -> set[int]:
    return {m.overleg_team_id for m in memberships_of(user) if m.overleg_team_id}


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's notices, unread first and within each the newest first, so what still waits is on the first
    page however many have been read (the inbox page and the API alike)."""
    return Notification.objects.filter(user=user).order_by(
        Case(When(read_at__isnull=True, then=0), default=1), "-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mail_unclaimed(now: datetime) -> Q:
    """Nobody is sending it: never claimed, or the claim has run out (the worker that held it died)."""
    return Q(email_claimed_until__isnull=True) | Q(email_claimed_until__lte=now)


def notifications_mail_due(*, now: datetime) -> QuerySet[Notification]:
    """Notices whose mail should be tried now, oldest first: not sent, due (new or a retry whose time has
    come), not claimed. Served by the partial index notification_mail_due (only mail still to be tried is in
    it; `email_next_attempt_at <= now` implies the index's `email_next_attempt_at IS NOT NULL`)."""
    return (Notification.objects.filter(mail_unclaimed(now), emailed_at__isnull=True, email_next_attempt_at__lte=now)
            .order_by("email_next_attempt_at", "id"))


# --- The calendar feed's secret link -------------------------------------------------------------------------
_FEED_SALT = "accounts.calendar_feed"


def calendar_feed_token(feed: CalendarFeed) -> str:
    """The secret part of the feed's link, `<pk>-<hmac>`: derived from the stored nonce and SECRET_KEY, never
    stored itself."""
    return f"{feed.pk}-{salted_hmac(_FEED_SALT, feed.nonce, algorithm='sha256').hexdigest()}"


def calendar_feed_of(user: User) -> CalendarFeed | None:
    """The user's feed, if they made one. One query."""
    if not user.is_authenticated:
        return None
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_user(token: str) -> User | None:
    """The active user whose feed link carries `token`; None for a malformed, unknown or replaced token, or a
    deactivated user (the feed view answers 404 for all of them alike). At most one query."""
    pk = parse_id(token.partition("-")[0])
    if pk is None:
        return None
    feed = CalendarFeed.objects.filter(pk=pk, user__is_active=True).select_related("user").first()
    if feed is None or not constant_time_compare(calendar_feed_token(feed), token):
        return None
    return feed.user
