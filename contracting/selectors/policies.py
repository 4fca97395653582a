"""Public reads of purchasing policy (the GCP's publication duty: the intended policy and the contracting
procedure by 1 April, for anyone): which insurers published for which year, an insurer's published versions,
the year's contracting procedure from its calendar, and the insurer's standard contracts for the year.

Only PolicyVersion rows are read here, never a PurchasingPolicy's draft title or text, and only published
standard contracts, so nothing in a draft reaches a public page.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from insurers.models import Insurer, PolicyAttachment, PolicyVersion

from ..calendar import Deadline, MilestoneKind
from ..models import ContractYear, HolderKind, StandardContract, covering
from ..workdays import LABORIOUS_QUESTION_WORKING_DAYS, QUESTION_WORKING_DAYS
from .calendar import (
    TimelineEntry,
    contract_year_timeline,
    milestone_deadline,
    offers_deadline_kind,
    signing_year_default,
)


@dataclass(frozen=True)
class PublishedPolicy:
    """An insurer's published policy for one year, as the index lists it."""

    insurer: Insurer
    year: int
    latest: PolicyVersion
    first: PolicyVersion
    version_count: int

    @property
    def is_late(self) -> bool:
        """Late is about the publication: the first version came after 1 April. Later versions after that
        date are updates, not a late publication."""
        return self.first.is_late


@dataclass(frozen=True)
class ComingYear:
    year: int
    deadline: Deadline | None  # 1 April of the year before, as the calendar has it
    published: list[PublishedPolicy]
    missing: list[Insurer]  # insurers without a published policy for the year yet


def published_policies() -> dict[int, list[PublishedPolicy]]:
    """Every year with a published policy, newest first, each with its insurers by name. One query."""
    grouped: dict[tuple[int, int], list[PolicyVersion]] = {}
    # The index needs no text: the bodies stay in the database.
    for version in (PolicyVersion.objects.select_related("policy__insurer")
                    .defer("body", "change_summary", "changes", "policy__body", "policy__title")
                    .order_by("policy__year", "policy__insurer__name", "number")):
        grouped.setdefault((version.policy.year, version.policy.insurer_id), []).append(version)
    years: dict[int, list[PublishedPolicy]] = {}
    for (year, _insurer_id), versions in grouped.items():
        years.setdefault(year, []).append(PublishedPolicy(
            insurer=versions[0].policy.insurer, year=year, latest=versions[-1], first=versions[0],
            version_count=len(versions)))
    return dict(sorted(years.items(), reverse=True))


def coming_year(now: datetime, published: dict[int, list[PublishedPolicy]]) -> ComingYear | None:
    """The year being contracted (signing open or ahead) and which insurers have not published for it yet."""
    if not ContractYear.objects.exists():
        return None
    year = signing_year_default(now)
    done = published.get(year, [])
    done_ids = {p.insurer.pk for p in done}
    return ComingYear(year=year, deadline=milestone_deadline(year, MilestoneKind.POLICY_PUBLICATION, now),
                      published=done, missing=[i for i in Insurer.objects.order_by("name") if i.pk not in done_ids])


def policy_versions(insurer: Insurer, year: int) -> list[PolicyVersion]:
    """An insurer's published versions for a year, newest first, with their attachments."""
    return list(PolicyVersion.objects.filter(policy__insurer=insurer, policy__year=year)
                .select_related("policy__insurer")
                .prefetch_related(Prefetch("attachments", queryset=PolicyAttachment.objects.order_by("name", "pk")))
                .order_by("-number"))


@dataclass(frozen=True)
class ProcedureStep:
    """One step of the contracting procedure that concerns providers: a calendar milestone (or a period from one
    milestone to another), or a standing rule without a date (`entry` None)."""

    key: str
    entry: TimelineEntry | None
    until: TimelineEntry | None = None
    days: int | None = None  # for the standing rules: working days


_PROCEDURE = (
    ("policy", MilestoneKind.POLICY_PUBLICATION, None),
    ("caregroup_offers", MilestoneKind.CAREGROUP_OFFERS, None),
    ("individual_offers", MilestoneKind.INDIVIDUAL_OFFERS_FINAL, None),
    ("signing", MilestoneKind.SIGNING_OPEN, MilestoneKind.SIGNING_CLOSE),
    ("follow_decisions", MilestoneKind.FOLLOW_DECISIONS_DUE, None),
)


def contracting_procedure(contract_year: ContractYear, now: datetime) -> list[ProcedureStep]:
    """The year's procedure as providers meet it, read from the year's milestones, so a date an administrator
    moved shows as moved. One query."""
    timeline = contract_year_timeline(contract_year, now)
    steps = []
    for key, kind, until in _PROCEDURE:
        entry = timeline.entry(kind)
        if entry is not None:
            steps.append(ProcedureStep(key=key, entry=entry, until=timeline.entry(until) if until else None))
        if key == "signing":
            steps.append(ProcedureStep(key="questions", entry=None, days=QUESTION_WORKING_DAYS))
            steps.append(ProcedureStep(key="laborious_questions", entry=None, days=LABORIOUS_QUESTION_WORKING_DAYS))
    return steps


@dataclass(frozen=True)
class ContractStatus:
    holder_kind: str
    label: str
    deadline: Deadline | None  # offers to care groups by 15 July, to practices by 15 September
    contracts: list[StandardContract]  # published contracts that cover the year


def published_contract_status(insurer: Insurer, year: int, now: datetime) -> list[ContractStatus]:
    """The insurer's published standard contracts covering `year`, for practices and for care groups. Drafts are
    never listed. Three queries."""
    contracts = list(covering(StandardContract.objects.filter(insurer=insurer,
                                                              status=StandardContract.Status.PUBLISHED), year)
                     .order_by("first_year", "pk"))
    return [ContractStatus(holder_kind=kind, label=kind.label,
                           deadline=milestone_deadline(year, offers_deadline_kind(kind), now),
                           contracts=[c for c in contracts if c.holder_kind == kind])
            for kind in (HolderKind.PRACTICE, HolderKind.CARE_GROUP)]
