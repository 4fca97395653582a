"""A survey's audience resolved to its respondents, each with the attributes results are split by.

Attributes (copied onto the response, so results never need to know who answered):
- ``segment``: from the holder's signed contracts for the survey's year: a practice contract is S1
  (basisvoorziening), a care group's contract S2 (multidisciplinary care); a practice counts its care groups'
  signed contracts too. "s1", "s2", "both" or "none".
- ``provider_type``: a practice in no care group "gp"; a practice that is also in a care group "both"; a care
  group "care_group".
- ``region``: the region's id.
- ``insurers``: the ids of the insurers the holder has a signed contract with for the year (sorted); what a
  question repeated per insurer is asked for.
- ``care_groups`` (an insurer respondent): the care groups with a signed contract with it for the year;
  what a question repeated per care group is asked for.

A GP member is invited as a person (Invitation.user) for the practice where they are a GP (the lowest id when
they are a GP in several), with that practice's attributes.

A handful of queries whatever the audience's size (one per kind of fact, not per respondent).
"""

from collections import defaultdict

from accounts.models import Membership, Role
from contracting.models import HolderKind, Offer
from insurers.models import Insurer
from providers.models import CareGroup, Practice

from .models import Invitation, Survey

A = Survey.Audience


def _signed(year: int):
    """(practice_id, care_group_id, insurer_id) of every signed contract for `year`."""
    return Offer.objects.filter(year=year, status=Offer.Status.SIGNED).values_list(
        "practice_id", "care_group_id", "insurer_id").order_by()


def _segment(s1: bool, s2: bool) -> str:
    return "both" if s1 and s2 else "s1" if s1 else "s2" if s2 else "none"


class _Facts:
    def __init__(self, year: int):
        self.practice_insurers: dict[int, set[int]] = defaultdict(set)
        self.group_insurers: dict[int, set[int]] = defaultdict(set)
        self.insurer_groups: dict[int, set[int]] = defaultdict(set)
        for practice_id, care_group_id, insurer_id in _signed(year):
            if practice_id:
                self.practice_insurers[practice_id].add(insurer_id)
            else:
                self.group_insurers[care_group_id].add(insurer_id)
                self.insurer_groups[insurer_id].add(care_group_id)
        self.practice_groups: dict[int, set[int]] = defaultdict(set)
        for practice_id, care_group_id in CareGroup.practices.through.objects.values_list(
                "practice_id", "caregroup_id").order_by():
            self.practice_groups[practice_id].add(care_group_id)

    def practice(self, practice_id: int, region_id: int) -> dict:
        groups = self.practice_groups.get(practice_id, set())
        s2 = any(self.group_insurers.get(g) for g in groups)
        return {"segment": _segment(bool(self.practice_insurers.get(practice_id)), s2),
                "provider_type": "both" if groups else "gp", "region": region_id,
                "insurers": sorted(self.practice_insurers.get(practice_id, ()))}

    def care_group(self, care_group_id: int, region_id: int) -> dict:
        return {"segment": _segment(False, bool(self.group_insurers.get(care_group_id))),
                "provider_type": "care_group", "region": region_id,
                "insurers": sorted(self.group_insurers.get(care_group_id, ()))}

    def insurer(self, insurer_id: int) -> dict:
        return {"care_groups": sorted(self.insurer_groups.get(insurer_id, ()))}


def audience_invitations(survey: Survey) -> list[Invitation]:
    """The survey's invitations, unsaved, one per respondent of its audience, in a stable order."""
    facts = _Facts(survey.year)
    practices = Practice.objects.order_by("id")
    care_groups = CareGroup.objects.order_by("id")
    out: list[Invitation] = []

    def add_practices(qs):
        out.extend(Invitation(survey=survey, practice_id=pk, attributes=facts.practice(pk, region_id))
                   for pk, region_id in qs.values_list("id", "region_id"))

    def add_care_groups(qs):
        out.extend(Invitation(survey=survey, care_group_id=pk, attributes=facts.care_group(pk, region_id))
                   for pk, region_id in qs.values_list("id", "region_id"))

    if survey.audience == A.PRACTICES:
        add_practices(practices)
    elif survey.audience == A.CARE_GROUPS:
        add_care_groups(care_groups)
    elif survey.audience == A.INSURERS:
        out.extend(Invitation(survey=survey, insurer_id=pk, attributes=facts.insurer(pk))
                   for pk in Insurer.objects.order_by("id").values_list("id", flat=True))
    elif survey.audience == A.REGION:
        add_practices(practices.filter(region_id=survey.audience_region_id))
        add_care_groups(care_groups.filter(region_id=survey.audience_region_id))
    elif survey.audience == A.CONTRACTANTS:
        signed = {"offers__insurer_id": survey.audience_insurer_id, "offers__year": survey.year,
                  "offers__status": Offer.Status.SIGNED}
        add_practices(practices.filter(**signed).distinct())
        add_care_groups(care_groups.filter(**signed).distinct())
    elif survey.audience == A.GP_MEMBERS:
        regions = dict(practices.values_list("id", "region_id"))
        seen: set[int] = set()
        for user_id, practice_id in (Membership.objects.filter(
                is_gp=True, user__is_active=True, role__in=[Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY])
                .order_by("user_id", "practice_id").values_list("user_id", "practice_id")):
            if user_id in seen:
                continue
            seen.add(user_id)
            out.append(Invitation(survey=survey, user_id=user_id, practice_id=practice_id,
                                  attributes=facts.practice(practice_id, regions[practice_id])))
    return out


def holder_kind_of(invitation: Invitation) -> str:
    """The kind of respondent: "person", "practice", "care_group" or "insurer"."""
    if invitation.user_id:
        return "person"
    if invitation.practice_id:
        return HolderKind.PRACTICE
    if invitation.care_group_id:
        return HolderKind.CARE_GROUP
    return "insurer"
