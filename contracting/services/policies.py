"""Purchasing policy: drafts, PDF attachments, and publication as immutable versions.

A version published while the year's offers are being signed does not replace what signed practices saw: each
signature records the version in force when it was signed (offers.offer_sign), the holders of open offers are
told of the new version, and once signing has closed no new version can be published for that year."""

import hashlib
import json
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.notices import N_, day
from core.audit import audit_record
from core.errors import ConflictError, PortalError
from core.text import paragraph_counts
from core.uploads import check_pdf_upload
from insurers.models import (
    ATTACHMENT_NAME_MAX,
    Insurer,
    PolicyAttachment,
    PolicyVersion,
    PurchasingPolicy,
    change_lines,
)

from ..access import require_insurer_purchaser
from ..calendar import MilestoneKind, local_date
from ..models import Milestone, Offer
from ..selectors import signing_window_at
from .contracts import require_contract_year

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20


def policy_save_draft(*, actor, insurer: Insurer, year: int, title: str, body: str) -> PurchasingPolicy:
    require_insurer_purchaser(actor, insurer.pk)
    require_contract_year(year)
    title, body = (title or "").strip(), (body or "").replace("\r\n", "\n").strip()
    if not title:
        raise PortalError("title_required", _("Geef het inkoopbeleid een titel."),
                          fields={"title": [_("Verplicht.")]})
    with transaction.atomic():
        policy, created = PurchasingPolicy.objects.select_for_update().get_or_create(
            insurer=insurer, year=year, defaults={"title": title, "body": body})
        if created:
            audit_record(actor=actor, verb="insurers.policy.created", obj=policy, after={"title": title})
        elif (policy.title, policy.body) != (title, body):
            before = {"title": policy.title, "body_length": len(policy.body)}
            policy.title, policy.body = title, body
            policy.save(update_fields=["title", "body", "updated_at"])
            audit_record(actor=actor, verb="insurers.policy.draft_saved", obj=policy, before=before,
                         after={"title": title, "body_length": len(body)})
    return policy


def policy_attach(*, actor, policy: PurchasingPolicy, upload: UploadedFile) -> PolicyAttachment:
    """Attach a PDF (checked by its content, not only its name) of at most 10 MB."""
    require_insurer_purchaser(actor, policy.insurer_id)
    checked = check_pdf_upload(upload, max_bytes=MAX_ATTACHMENT_BYTES, max_name=ATTACHMENT_NAME_MAX)
    name = checked.name
    with transaction.atomic():
        PurchasingPolicy.objects.select_for_update().get(pk=policy.pk)
        current = policy.attachments.filter(removed_from_draft=False)
        same = current.filter(sha256=checked.sha256, name=name).first()
        if same:
            return same  # the same file uploaded twice
        if current.count() >= MAX_ATTACHMENTS:
            raise PortalError("too_many_attachments",
                              _("Ten hoogste %(count)s bijlagen.") % {"count": MAX_ATTACHMENTS})
        attachment = PolicyAttachment(policy=policy, name=name, size=upload.size, sha256=checked.sha256)
        attachment.file.save("bijlage.pdf", upload, save=False)  # stored as policies/<insurer>/<year>/<uuid>.pdf
        attachment.save()
        audit_record(actor=actor, verb="insurers.policy.attachment_added", obj=policy,
                     after={"name": name, "size": upload.size, "sha256": attachment.sha256})
    return attachment


def policy_detach(*, actor, attachment: PolicyAttachment) -> None:
    """Take an attachment out of the draft. Published versions keep theirs: the file is never deleted."""
    require_insurer_purchaser(actor, attachment.policy.insurer_id)
    with transaction.atomic():
        locked = PolicyAttachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.removed_from_draft:
            return
        locked.removed_from_draft = True
        locked.save(update_fields=["removed_from_draft"])
        audit_record(actor=actor, verb="insurers.policy.attachment_removed", obj=locked.policy,
                     after={"name": locked.name})


def policy_changes(previous: PolicyVersion | None, title: str, body: str, attachment_names: list[str]) -> dict:
    """What changed against the previous version, counted paragraph by paragraph as the diff shows it."""
    if previous is None:
        return {"first": True}
    counts = paragraph_counts(previous.body, body)
    old_names = {a.name for a in previous.attachments.all()}
    return {
        "title": [previous.title, title] if previous.title != title else None,
        "changed": counts.changed, "added": counts.added, "removed": counts.removed,
        "attachments_added": sorted(set(attachment_names) - old_names),
        "attachments_removed": sorted(old_names - set(attachment_names)),
    }


def policy_publication_deadline(year: int) -> datetime | None:
    milestone = Milestone.objects.filter(contract_year__year=year, kind=MilestoneKind.POLICY_PUBLICATION).first()
    return milestone.due_at if milestone else None


def policy_publish_refusal(policy: PurchasingPolicy, now: datetime) -> PortalError | None:
    """Why publishing the draft at `now` would be refused, or None. The one home of these checks: policy_publish
    raises what this returns, and the policy pages show it instead of a publish button."""
    window = signing_window_at(policy.year, now)
    if window is not None and window.state == "closed":
        day = formats.date_format(window.last_day, "j F Y")
        return ConflictError("policy_year_closed",
                             _("De ondertekentermijn voor %(year)s is gesloten (ondertekenen kon tot en met "
                               "%(day)s). Een nieuwe versie van het inkoopbeleid voor %(year)s kan niet meer worden "
                               "gepubliceerd: de contracten zijn gesloten op het beleid dat toen gold.")
                             % {"year": policy.year, "day": day})
    if not policy.body.strip():
        return PortalError("body_required", _("Het inkoopbeleid heeft nog geen tekst."))
    return None


def _notify_open_offer_holders(version: PolicyVersion, insurer: Insurer) -> int:
    """Tell the people of every practice and care group with an open offer of this insurer and year that a new
    version came out while they may be signing. One notice per person and version; what changed is on the
    page the notice links to."""
    from accounts.services import notify_users

    year = version.policy.year
    open_offers = Offer.objects.filter(insurer_id=insurer.pk, year=year, status=Offer.Status.OPEN)
    user_ids = (Membership.objects
                .filter(Q(practice__in=open_offers.filter(practice__isnull=False).values("practice"))
                        | Q(care_group__in=open_offers.filter(care_group__isnull=False).values("care_group")))
                .values_list("user_id", flat=True).distinct())
    return notify_users(
        user_ids=user_ids, key=f"policy-version:{version.pk}",
        subject=N_("Nieuwe versie van het inkoopbeleid %(year)s van %(insurer)s"),
        body=N_("%(insurer)s heeft op %(day)s versie %(number)s van het inkoopbeleid %(year)s gepubliceerd, terwijl "
                "uw aanbod nog openstaat. Lees wat er veranderde voordat u ondertekent. Een contract dat al is "
                "ondertekend, houdt de versie die gold bij ondertekenen."),
        params={"insurer": insurer.name, "year": year, "number": version.number,
                "day": day(local_date(version.published_at))},
        url=reverse("policies:insurer_year", args=[insurer.slug, year]))


def policy_publish(*, actor, policy: PurchasingPolicy, now: datetime) -> PolicyVersion:
    """Publish the draft as a new immutable version. Publishing after 1 April is recorded as late, not refused;
    after the year's signing has closed it is refused (policy_publish_refusal). During the signing window the
    holders of open offers are notified. Publishing unchanged content again returns the current version (safe
    to repeat)."""
    require_insurer_purchaser(actor, policy.insurer_id)
    with transaction.atomic():
        policy = PurchasingPolicy.objects.select_for_update().select_related("insurer").get(pk=policy.pk)
        attachments = list(policy.attachments.filter(removed_from_draft=False))
        content = {"title": policy.title, "body": policy.body,
                   "attachments": sorted(a.sha256 + ":" + a.name for a in attachments)}
        content_hash = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
        previous = policy.versions.order_by("-number").first()
        if previous and previous.content_hash == content_hash:
            return previous
        refusal = policy_publish_refusal(policy, now)
        if refusal is not None:
            raise refusal
        deadline = policy_publication_deadline(policy.year)
        changes = policy_changes(previous, policy.title, policy.body, [a.name for a in attachments])
        with translation.override("nl"):
            change_lines_nl = change_lines(changes)
        number = (policy.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = PolicyVersion.objects.create(
            policy=policy, number=number, title=policy.title, body=policy.body, published_at=now,
            published_by=actor if getattr(actor, "pk", None) else None,
            is_late=bool(deadline and now >= deadline),
            changes=changes, change_summary="\n".join(change_lines_nl),
            content_hash=content_hash,
        )
        version.attachments.set(attachments)
        window = signing_window_at(policy.year, now)
        notified = (_notify_open_offer_holders(version, policy.insurer)
                    if window is not None and window.state == "open" else 0)
        audit_record(actor=actor, verb="insurers.policy.published", obj=version,
                     after={"number": number, "is_late": version.is_late, "content_hash": content_hash,
                            "notified": notified})
    return version
