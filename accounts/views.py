"""HTML pages of the accounts app: login steps, profile and two-factor enrolment, inbox, and the organisation
pages (they live here rather than in providers because they list memberships, and providers may not import
accounts)."""

import base64
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import PortalError
from core.params import parse_id
from providers.models import MarketShare

from .access import care_groups_for, insurers_for, practices_for, shows_demo_secret
from .forms import LoginForm, TokenForm, VerifyTokenForm
from .models import Membership, Role
from .selectors import calendar_feed_of, calendar_feed_token, is_nza_or_admin, memberships_of, notifications_for
from .services import (
    calendar_feed_renew,
    notification_mark_read,
    totp_device_confirm,
    totp_device_start,
    user_has_two_factor,
)
from .throttle import login_failures_forget

INBOX_PAGE_SIZE = 25
DIRECTORY_PAGE_SIZE = 50


def _safe_next(request, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return fallback


# --- Login ----------------------------------------------------------------------------------------------
class PortalLoginView(LoginView):
    """E-mail and password; a user with an authenticator app continues to the code step, so the session can
    be marked two-factor verified before anything that needs it (signing)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        login_failures_forget(self.request, form.get_user().email)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "login_throttled"):
            response.status_code = 429  # django-axes' middleware passes a 429 through as it is
        return response

    def get_success_url(self):
        url = super().get_success_url()
        # Logging in starts a fresh session, so an enrolled user is never verified yet at this point.
        if user_has_two_factor(self.request.user):
            return f"{reverse('accounts:verify_otp')}?{urlencode({'next': url})}"
        return url


@login_required
@require_http_methods(["GET", "POST"])
def verify_otp(request):
    next_url = _safe_next(request, reverse("home"))
    if not user_has_two_factor(request.user):
        messages.info(request, _("U heeft nog geen authenticator-app gekoppeld. Koppel er eerst een."))
        return redirect("accounts:two_factor")
    if request.user.is_verified():
        return redirect(next_url)
    form = VerifyTokenForm(request.POST or None, user=request.user, purpose="login")
    if request.method == "POST" and form.is_valid():
        # totp_verify put who confirmed this session with which device on record (the gate for signing).
        django_otp.login(request, form.device)
        messages.success(request, _("Uw code is gecontroleerd. U bent nu met tweestapsverificatie ingelogd."))
        return redirect(next_url)
    return render(request, "accounts/verify_otp.html", {"form": form, "next": next_url})


# --- Profile and two-factor -----------------------------------------------------------------------------
def _qr_svg(data: str) -> SafeString:
    """An inline SVG QR code. Safe to mark safe: the library writes only geometry, never the encoded text."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    label = _("QR-code om te scannen met uw authenticator-app")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="portal-qr" ', 1)
    return mark_safe(svg)  # noqa: S308


def _secret_groups(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _device_display(device: TOTPDevice) -> dict:
    return {"qr_svg": _qr_svg(device.config_url), "secret": _secret_groups(device)}


def _feed_urls(request, feed) -> dict | None:
    if feed is None:
        return None
    url = request.build_absolute_uri(reverse("calendar_feed", args=[calendar_feed_token(feed)]))
    return {"url": url, "webcal": "webcal://" + url.split("://", 1)[1], "version": feed.version,
            "created_at": feed.created_at}


@login_required
def profile(request):
    user = request.user
    memberships = memberships_of(user)
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    context = {
        "calendar_feed": _feed_urls(request, calendar_feed_of(user)),
        "profile_memberships": memberships,
        "has_two_factor": confirmed is not None,
        "is_signatory": any(m.is_signatory for m in memberships),
        "demo_device": _device_display(confirmed) if confirmed and shows_demo_secret(user) else None,
        "pending_enrolment": confirmed is None and TOTPDevice.objects.filter(user=user, confirmed=False).exists(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def calendar_feed_renew_view(request):
    """Make the user's calendar-feed link, or a new one that ends the old one ("Nieuwe link maken")."""
    replaces = parse_id(request.POST.get("replaces", "")) or 0
    feed = calendar_feed_renew(actor=request.user, replaces=replaces)
    if feed.version != replaces + 1:  # an old tab: the link was renewed since, and the one shown now works
        messages.info(request, _("Dit is uw huidige agenda-link; er is niets veranderd."))
    elif replaces:
        messages.success(request, _("Er is een nieuwe agenda-link gemaakt; de vorige werkt niet meer."))
    else:
        messages.success(request, _("Uw agenda-link is gemaakt. Voeg hem toe aan uw agenda-app."))
    return redirect(reverse("accounts:profile") + "#agenda")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enrolment in three states: nothing yet (a start button), pending (QR code, secret and code form),
    confirmed (status only). Starting is a POST because it creates the device that holds the secret."""
    user = request.user
    if user_has_two_factor(user):
        return render(request, "accounts/two_factor.html", {"state": "confirmed"})

    form = TokenForm()
    if request.method == "POST":
        if request.POST.get("action") == "start":
            totp_device_start(user=user)
            return redirect("accounts:two_factor")
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                device = totp_device_confirm(user=user, token=form.cleaned_data["token"])
            except PortalError as exc:
                form.add_error("token", exc.detail)
            else:
                # The user just proved they hold the device, so this session counts as verified.
                django_otp.login(request, device)
                messages.success(request, _("Tweestapsverificatie staat aan. Uw authenticator-app is gekoppeld."))
                return redirect("accounts:profile")

    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if pending is None:
        return render(request, "accounts/two_factor.html", {"state": "start"})
    context = {"state": "pending", "form": form, **_device_display(pending)}
    return render(request, "accounts/two_factor.html", context)


# --- Inbox ----------------------------------------------------------------------------------------------
def _is_local_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


@login_required
def inbox(request):
    page = Paginator(notifications_for(request.user), INBOX_PAGE_SIZE).get_page(request.GET.get("pagina"))
    for notice in page.object_list:
        notice.link = notice.url if _is_local_path(notice.url) else ""
    return render(request, "accounts/inbox.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    try:
        notification_mark_read(user=request.user, notification_id=pk)
    except PortalError as exc:
        if exc.status == 404:
            raise Http404(exc.detail)
        raise
    target = reverse("accounts:inbox")
    page_number = request.POST.get("pagina", "")
    if page_number.isdigit() and page_number != "1":
        target = f"{target}?{urlencode({'pagina': page_number})}"
    return redirect(f"{target}#melding-{pk}")


# --- Organisations --------------------------------------------------------------------------------------
def _members(**organisation) -> list[Membership]:
    """Active people acting for one organisation, with their roles."""
    return list(
        Membership.objects.filter(user__is_active=True, **organisation)
        .select_related("user").order_by("user__full_name", "user__email", "role")
    )


@login_required
def organisations(request):
    user = request.user
    context = {"own_memberships": memberships_of(user), "see_all": is_nza_or_admin(user)}
    if context["see_all"]:
        query = request.GET.get("q", "").strip()
        practices = practices_for(user).select_related("region").order_by("name", "pk")
        if query:
            practices = practices.filter(Q(name__icontains=query) | Q(agb_code__startswith=query)
                                         | Q(city__icontains=query))
        context.update(
            query=query,
            insurers=list(insurers_for(user).order_by("name")),
            care_groups=list(care_groups_for(user).select_related("region").order_by("name")),
            practices_page=Paginator(practices, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("pagina")),
        )
    return render(request, "accounts/organisations.html", context)


@login_required
def practice_detail(request, pk: int):
    practice = get_object_or_404(practices_for(request.user).select_related("region", "preferred_insurer"), pk=pk)
    preferent = practice.preferent_insurer
    preferent_share = None
    if preferent is not None and not practice.preferred_insurer_id:
        preferent_share = (MarketShare.objects.filter(region_id=practice.region_id, insurer=preferent)
                           .values_list("share_percent", flat=True).first())
    context = {
        "practice": practice,
        "preferent": preferent,
        "preferent_is_own_choice": bool(practice.preferred_insurer_id),
        "preferent_share": preferent_share,
        "care_groups": list(care_groups_for(request.user).filter(practices=practice).order_by("name")),
        "members": _members(practice=practice),
    }
    return render(request, "accounts/practice_detail.html", context)


@login_required
def care_group_detail(request, pk: int):
    user = request.user
    care_group = get_object_or_404(care_groups_for(user).select_related("region"), pk=pk)
    # A practice member sees the care group, but not the other practices in it.
    visible_practices = (care_group.practices.filter(pk__in=practices_for(user).values("pk"))
                         .select_related("region").order_by("name", "pk"))
    context = {
        "care_group": care_group,
        "practices": list(visible_practices),
        "practice_count": care_group.practices.count(),
        "members": _members(care_group=care_group),
    }
    return render(request, "accounts/care_group_detail.html", context)


@login_required
def insurer_detail(request, pk: int):
    insurer = get_object_or_404(insurers_for(request.user), pk=pk)
    context = {
        "insurer": insurer,
        "market_shares": list(insurer.market_shares.select_related("region").order_by("region__name")),
        "overleg_teams": list(insurer.overleg_teams.select_related("region").order_by("name")),
        "members": _members(insurer=insurer, role=Role.INSURER_PURCHASER),
    }
    return render(request, "accounts/insurer_detail.html", context)
