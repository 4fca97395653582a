"""What the consultations services share: text checks with Dutch messages, row locks, notices to a side."""

from django.utils.translation import gettext as _

from core.errors import PortalError

TEXT_MAX = 20000
TITLE_MAX = 200


def clean_text(value: str, *, field: str, required: str | None = None, limit: int = TEXT_MAX) -> str:
    """`value` trimmed with Unix line ends; PortalError under `field` when empty (if `required` gives the
    message) or longer than `limit`."""
    value = (value or "").replace("\r\n", "\n").strip()
    if not value and required:
        raise PortalError(f"{field}_required", required, fields={field: [_("Verplicht.")]})
    if len(value) > limit:
        raise PortalError(f"{field}_too_long", _("Ten hoogste %(n)s tekens.") % {"n": f"{limit:,}".replace(",", ".")},
                          fields={field: [_("Te lang.")]})
    return value


def side_user_ids(round, side: str):
    """The ids of one side's people: the overlegteam's members, or its insurer's purchasers."""
    from accounts.models import Membership, Role

    if side == "team":
        members = Membership.objects.filter(role=Role.OTH_MEMBER, overleg_team_id=round.overleg_team_id)
    else:
        members = Membership.objects.filter(role=Role.INSURER_PURCHASER, insurer_id=round.overleg_team.insurer_id)
    return members.values_list("user_id", flat=True)


def other_side(side: str | None) -> str:
    return "insurer" if side == "team" else "team"
