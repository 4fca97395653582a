from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import api_token_issue
from accounts.models import Notification, User
from accounts.selectors import memberships_of, notifications_for
from accounts.services import notification_mark_read, user_has_two_factor
from accounts.throttle import login_failures_forget, login_throttled, login_throttled_error
from core.errors import PortalError

from .filters import NotificationFilter
from .serializers import (
    ErrorSerializer,
    MeSerializer,
    NotificationSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class MeView(APIView):
    """Who is logged in, and for which organisations they act."""

    @extend_schema(responses={200: MeSerializer, 403: ErrorSerializer})
    def get(self, request):
        user = request.user
        data = {"user": user, "memberships": memberships_of(user), "two_factor": user_has_two_factor(user)}
        return Response(MeSerializer(data).data)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The user's own inbox. Another user's notification is not found, never forbidden."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return notifications_for(self.request.user)

    @extend_schema(request=None, responses={200: NotificationSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark as read. Repeating it keeps the first read moment."""
        notice = notification_mark_read(user=request.user, notification_id=int(pk))
        return Response(NotificationSerializer(notice).data)


class TokenObtainView(APIView):
    """Exchange e-mail, password and optionally a code from the authenticator app for a new API token (header
    `Authorization: Token <token>`). A token issued with a valid code may sign contracts; one without may do
    everything else. Every call issues a fresh token, shown once."""

    # No session authentication here: a logged-in browser must not be able to mint tokens through CSRF, and
    # the credentials in the body are the whole proof.
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    input_serializer_class = TokenRequestSerializer

    @extend_schema(
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="invalid_credentials, invalid_otp, no_device (a code "
                                                              "but no authenticator app), or invalid input"),
            429: OpenApiResponse(ErrorSerializer, description="login_throttled: too many wrong passwords for this "
                                 "e-mail address or from this client address, refused (even the right one) until "
                                 "the cool-off ends (Retry-After, seconds); otp_throttled: too many wrong codes "
                                 "in a row"),
        },
    )
    def post(self, request):
        serializer = self.input_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = self.check_password(request, serializer.validated_data)
        raw, token = api_token_issue(user=user, otp=serializer.validated_data.get("otp"))
        return Response(TokenSerializer({"token": raw, "two_factor": token.two_factor,
                                         "created_at": token.created_at, "expires_at": token.expires_at}).data)

    def check_password(self, request, data) -> User:
        email = data["email"].strip().lower()
        # django-axes counts a wrong password here as on the login page, and refuses while locked.
        user = authenticate(request, email=email, password=data["password"])
        if user is None:
            if login_throttled(request):
                raise login_throttled_error(request, email)
            # Same answer for an unknown address, a wrong password and a deactivated account: nothing to probe.
            raise PortalError("invalid_credentials", _("Het e-mailadres of het wachtwoord klopt niet."))
        login_failures_forget(request, user.email)
        return user
