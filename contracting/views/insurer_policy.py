"""The insurer purchaser's purchasing-policy screens (/inkoop/beleid/): the draft with its PDF attachments,
preview and diff, publication as a new version, and one published version. Scoped like every purchaser screen
(views.common.purchaser_required); the rules (who may publish, and until when) live in services.policies, and a
page shows the service's refusal instead of a button that would be refused."""

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import PortalError
from core.text import has_changes, paragraph_diff, render_policy_text
from insurers.models import Insurer, PolicyVersion, PurchasingPolicy

from ..calendar import MilestoneKind
from ..forms.insurer import AttachmentForm, PolicyDraftForm, PolicyPublishForm
from ..selectors import milestone_deadline, signing_window_at
from ..services import policy_attach, policy_detach, policy_publish, policy_publish_refusal, policy_save_draft
from .common import PurchaserScope, place_error, purchaser_object_required, purchaser_required


# --- Purchasing policy -------------------------------------------------------------------------------------
def _policy_comparison(insurer: Insurer, year: int, policy: PurchasingPolicy | None):
    """The published text the draft is compared with: the policy's latest version, else last year's."""
    if policy is not None:
        latest = policy.versions.order_by("-number").first()
        if latest is not None:
            return latest
    return (PolicyVersion.objects.filter(policy__insurer=insurer, policy__year=year - 1)
            .select_related("policy").order_by("-number").first())


@purchaser_required
@require_http_methods(["GET", "POST"])
def policy_edit(request, scope: PurchaserScope, year: int):
    """Draft the year's purchasing policy: text, PDF attachments, preview and the diff with what is published."""
    insurer = scope.insurer
    policy = PurchasingPolicy.objects.filter(insurer=insurer, year=year).first()
    initial = ({"title": policy.title, "body": policy.body} if policy
               else {"title": _("Inkoopbeleid huisartsenzorg %(year)s") % {"year": year}})
    form = PolicyDraftForm(initial=initial)
    attach_form = AttachmentForm()
    here = request.get_full_path()

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "save":
            form = PolicyDraftForm(request.POST)
            if form.is_valid():
                try:
                    policy_save_draft(actor=request.user, insurer=insurer, year=year, **form.cleaned_data)
                except PortalError as exc:
                    place_error(form, exc)
                else:
                    messages.success(request, _("Het concept is opgeslagen."))
                    return redirect(here)
        elif action == "attach":
            if policy is None:
                messages.error(request, _("Sla eerst het concept op; daarna kunt u bijlagen toevoegen."))
                return redirect(here)
            attach_form = AttachmentForm(request.POST, request.FILES)
            if attach_form.is_valid():
                try:
                    attachment = policy_attach(actor=request.user, policy=policy,
                                               upload=attach_form.cleaned_data["file"])
                except PortalError as exc:
                    attach_form.add_error("file", exc.detail)
                else:
                    messages.success(request, _("Bijlage ‘%(name)s’ is toegevoegd.") % {"name": attachment.name})
                    return redirect(here)
        elif action == "detach":
            raw = request.POST.get("attachment", "")
            if policy is None or not raw.isdigit():
                raise Http404
            attachment = get_object_or_404(policy.attachments, pk=int(raw), removed_from_draft=False)
            policy_detach(actor=request.user, attachment=attachment)
            messages.success(request, _("Bijlage ‘%(name)s’ is uit het concept gehaald. Gepubliceerde versies "
                                        "houden hun bijlagen.") % {"name": attachment.name})
            return redirect(here)
        else:
            return HttpResponseBadRequest(_("Onbekende actie."))

    compared_with = _policy_comparison(insurer, year, policy)
    diff = paragraph_diff(compared_with.body, policy.body) if policy and compared_with else []
    versions = list(policy.versions.order_by("-number")) if policy else []
    now = timezone.now()
    return render(request, "contracting/insurer/policy_edit.html", {
        "scope": scope, "year": year, "policy": policy, "form": form, "attach_form": attach_form,
        "attachments": list(policy.attachments.filter(removed_from_draft=False)) if policy else [],
        "preview": render_policy_text(policy.body, heading_level=4) if policy else "",
        "compared_with": compared_with, "diff": diff, "diff_has_changes": has_changes(diff),
        "versions": versions,
        "deadline": milestone_deadline(year, MilestoneKind.POLICY_PUBLICATION, now),
        "publish_refusal": policy_publish_refusal(policy, now) if policy else None,
        "public_url": reverse("policies:insurer_year", args=[insurer.slug, year]) if versions else "",
    })


@purchaser_required
@require_http_methods(["GET", "POST"])
def policy_publish_confirm(request, scope: PurchaserScope, year: int):
    """Confirm and publish the saved draft as a new version (after 1 April: recorded as late, not refused)."""
    insurer = scope.insurer
    policy = get_object_or_404(PurchasingPolicy, insurer=insurer, year=year)
    previous = policy.versions.order_by("-number").first()
    form = PolicyPublishForm(request.POST or None)
    now = timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            version = policy_publish(actor=request.user, policy=policy, now=now)
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            if previous is not None and version.pk == previous.pk:
                messages.info(request, _("Er is niets gewijzigd sinds versie %(number)s; er is geen nieuwe versie "
                                         "gemaakt.") % {"number": version.number})
            elif version.is_late:
                messages.warning(request, _("Versie %(number)s is gepubliceerd, na de termijn van 1 april: de "
                                            "publicatie is als te laat geregistreerd.") % {"number": version.number})
            else:
                messages.success(request, _("Versie %(number)s is gepubliceerd.") % {"number": version.number})
            return redirect(reverse("purchasing:policy", args=[year]))
    compared_with = previous or _policy_comparison(insurer, year, None)
    diff = paragraph_diff(compared_with.body, policy.body) if compared_with else []
    return render(request, "contracting/insurer/policy_publish.html", {
        "scope": scope, "year": year, "policy": policy, "form": form, "previous": previous,
        "compared_with": compared_with, "diff": diff, "diff_has_changes": has_changes(diff),
        "preview": render_policy_text(policy.body, heading_level=3),
        "attachments": list(policy.attachments.filter(removed_from_draft=False)),
        "deadline": milestone_deadline(year, MilestoneKind.POLICY_PUBLICATION, now),
        "refusal": policy_publish_refusal(policy, now),
        "signing": signing_window_at(year, now),
    })


@purchaser_object_required
def policy_version(request, scope: PurchaserScope, pk: int):
    version = get_object_or_404(
        PolicyVersion.objects.select_related("policy__insurer", "published_by"),
        pk=pk, policy__insurer_id__in=scope.insurer_ids)
    previous = version.policy.versions.filter(number__lt=version.number).order_by("-number").first()
    diff = paragraph_diff(previous.body, version.body) if previous else []
    return render(request, "contracting/insurer/policy_version.html", {
        "scope": scope, "version": version, "policy": version.policy, "previous": previous,
        "diff": diff, "diff_has_changes": has_changes(diff),
        "rendered": render_policy_text(version.body, heading_level=2),
        "attachments": list(version.attachments.all()),
    })
