"""Who sees and acts on what in the overleg. An overlegteam's rounds, meetings, positions and knelpunten are
the team's and its insurer's: the team's members and that insurer's purchasers (the NZa and administrators
read them). Any other user, another insurer's purchasers included, finds nothing: a 404. An evaluation is its
insurer's until shared; then its contractants and its overlegteams read it too."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import (
    care_group_ids_of,
    insurer_ids_of,
    is_nza_or_admin,
    memberships_of,
    overleg_team_ids_of,
    practice_ids_of,
)
from contracting.models import Offer
from core.errors import Forbidden

from .models import (
    ConsultationRound,
    Evaluation,
    Knelpunt,
    Meeting,
    Position,
    RegionalMeeting,
    RegionalMeetingInvitation,
)


def purchasing_insurer_ids(user) -> set[int]:
    return {m.insurer_id for m in memberships_of(user) if m.role == Role.INSURER_PURCHASER}


def is_consultation_user(user) -> bool:
    """Someone the overleg pages are for: an overlegteam member, a purchaser, the NZa or an administrator."""
    return bool(user.is_authenticated and (is_nza_or_admin(user) or overleg_team_ids_of(user)
                                           or purchasing_insurer_ids(user)))


def rounds_visible_to(user) -> QuerySet[ConsultationRound]:
    if not user.is_authenticated:
        return ConsultationRound.objects.none()
    if is_nza_or_admin(user):
        return ConsultationRound.objects.all()
    return ConsultationRound.objects.filter(Q(overleg_team__in=overleg_team_ids_of(user))
                                            | Q(overleg_team__insurer__in=purchasing_insurer_ids(user)))


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(round__in=rounds_visible_to(user))


def positions_visible_to(user) -> QuerySet[Position]:
    return Position.objects.filter(round__in=rounds_visible_to(user))


def knelpunten_visible_to(user) -> QuerySet[Knelpunt]:
    return Knelpunt.objects.filter(round__in=rounds_visible_to(user))


def found(queryset: QuerySet, pk):
    """The object `pk` of `queryset` (a visible_to queryset), else 404."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(_("Dit bestaat niet of is niet voor u zichtbaar."))
    return obj


def is_team_member(user, round: ConsultationRound) -> bool:
    return user is not None and round.overleg_team_id in overleg_team_ids_of(user)


def is_round_purchaser(user, round: ConsultationRound) -> bool:
    return user is not None and round.overleg_team.insurer_id in purchasing_insurer_ids(user)


def round_side_of(user, round: ConsultationRound) -> str | None:
    """"team", "insurer" or None (a reader: the NZa, an administrator)."""
    if is_team_member(user, round):
        return "team"
    if is_round_purchaser(user, round):
        return "insurer"
    return None


def require_team_member(user, round: ConsultationRound) -> None:
    if user is not None and not is_team_member(user, round):
        raise Forbidden("not_team_member", _("Alleen leden van het overlegteam kunnen dit doen."))


def require_round_purchaser(user, round: ConsultationRound) -> None:
    if user is not None and not is_round_purchaser(user, round):
        raise Forbidden("not_purchaser", _("Alleen een zorginkoper van de zorgverzekeraar van dit overlegteam kan "
                                           "dit doen."))


def require_round_party(user, round: ConsultationRound) -> str | None:
    """The side `user` acts for (None for the system); anyone else may not act."""
    if user is None:
        return None
    side = round_side_of(user, round)
    if side is None:
        raise Forbidden("not_round_party", _("Alleen het overlegteam en zijn zorgverzekeraar kunnen dit doen."))
    return side


def evaluations_visible_to(user) -> QuerySet[Evaluation]:
    """Purchasers see their insurer's evaluations (drafts too); once shared, the insurer's overlegteams and its
    contractants of the evaluated year (a holder with a signed offer of that insurer for that year) read it;
    the NZa and administrators read all."""
    if not user.is_authenticated:
        return Evaluation.objects.none()
    if is_nza_or_admin(user):
        return Evaluation.objects.all()
    team_insurers = {m.overleg_team.insurer_id for m in memberships_of(user) if m.overleg_team_id}
    contracted = Exists(Offer.objects.filter(
        Q(practice__in=practice_ids_of(user)) | Q(care_group__in=care_group_ids_of(user)),
        insurer=OuterRef("insurer"), year=OuterRef("contract_year__year") - 1, status=Offer.Status.SIGNED))
    shared = Q(shared_at__isnull=False)
    return Evaluation.objects.filter(Q(insurer__in=purchasing_insurer_ids(user))
                                     | (shared & Q(insurer__in=team_insurers)) | (shared & contracted))


# --- Regiobijeenkomsten ------------------------------------------------------------------------------------
def overleg_teams_of(user) -> list:
    """The overlegteams the user is a member of, each with its insurer and region (from the cached
    memberships)."""
    return [m.overleg_team for m in memberships_of(user) if m.role == Role.OTH_MEMBER and m.overleg_team_id]


def regional_meetings_visible_to(user) -> QuerySet[RegionalMeeting]:
    """An insurer's purchasers see its meetings; an overlegteam those of its insurer in its region; a practice's
    or care group's people the meetings they are invited to; the NZa and administrators all. Anyone else: none."""
    if not user.is_authenticated:
        return RegionalMeeting.objects.none()
    if is_nza_or_admin(user):
        return RegionalMeeting.objects.all()
    teams = Q(pk__in=[])
    for team in overleg_teams_of(user):
        teams |= Q(insurer_id=team.insurer_id, region_id=team.region_id)
    invited = Exists(RegionalMeetingInvitation.objects.filter(
        Q(practice__in=practice_ids_of(user)) | Q(care_group__in=care_group_ids_of(user)), meeting=OuterRef("pk")))
    return RegionalMeeting.objects.filter(Q(insurer__in=insurer_ids_of(user)) | teams | invited)


def regional_meeting_for_purchaser(user, pk) -> RegionalMeeting | None:
    """A meeting of one of the user's own insurers (the organiser's pages), else None."""
    return RegionalMeeting.objects.filter(pk=pk, insurer__in=insurer_ids_of(user)).select_related(
        "insurer", "region").first()


def own_invitations(user, meeting: RegionalMeeting | None = None) -> QuerySet[RegionalMeetingInvitation]:
    """The invitations of the user's practices and care groups (of one meeting, if given)."""
    queryset = RegionalMeetingInvitation.objects.filter(
        Q(practice__in=practice_ids_of(user)) | Q(care_group__in=care_group_ids_of(user)))
    if meeting is not None:
        queryset = queryset.filter(meeting=meeting)
    return queryset.select_related("practice", "care_group")
