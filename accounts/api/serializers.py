from datetime import UTC

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ROLE_ORGANISATION_FIELD, Membership, Notification, Role, User
from core.api import ChoiceLabelField


class ErrorSerializer(serializers.Serializer):
    """The body of every API error (core.api.exception_handler)."""

    code = serializers.CharField(help_text="Stable snake_case code, e.g. not_found or invalid_credentials.")
    detail = serializers.CharField(
        help_text="Human-readable explanation in the request's language (Accept-Language: nl, the default, or en).")


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class OrganisationRefSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=sorted(set(ROLE_ORGANISATION_FIELD.values())))
    id = serializers.IntegerField()
    name = serializers.CharField()


class MembershipSerializer(serializers.ModelSerializer):
    role_label = ChoiceLabelField("role", Role)
    organisation = serializers.SerializerMethodField(help_text="Null for roles without one (NZa, administrator).")

    class Meta:
        model = Membership
        fields = ["role", "role_label", "organisation"]

    @extend_schema_field(OrganisationRefSerializer(allow_null=True))
    def get_organisation(self, obj: Membership) -> dict | None:
        field = ROLE_ORGANISATION_FIELD.get(obj.role)
        org = obj.organisation
        if org is None:
            return None
        return {"type": field, "id": org.pk, "name": org.name}


class MeSerializer(serializers.Serializer):
    user = UserSerializer()
    memberships = MembershipSerializer(many=True)
    two_factor = serializers.BooleanField(help_text="Whether the user has a confirmed authenticator app.")


class NotificationSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="display_subject", read_only=True,
                                    help_text="In the request's language (Accept-Language: nl, the default, or en).")
    body = serializers.CharField(source="display_body", read_only=True,
                                 help_text="In the request's language, like the subject.")
    created_at = serializers.DateTimeField(default_timezone=UTC)
    read_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "url", "created_at", "read_at"]


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False, allow_blank=True, max_length=12,
        help_text="The current six-digit code from the authenticator app. Only a token issued with a valid code "
                  "may sign contracts; without it the token can do everything else.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as the header `Authorization: Token <token>`. Shown only once: "
                                            "the portal keeps just a hash of it.")
    two_factor = serializers.BooleanField(help_text="Whether the token was issued with a valid code (may sign).")
    created_at = serializers.DateTimeField(default_timezone=UTC)
    expires_at = serializers.DateTimeField(default_timezone=UTC, help_text="After this moment the token is refused "
                                           "(401/403 `token_expired`): 30 days, or 12 hours for one that may sign.")
