from datetime import UTC
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracting.access import is_holder_signatory, may_see_choice
from contracting.calendar import display_day
from contracting.models import (
    CapRule,
    ContractAddendum,
    ContractAdjustment,
    ContractIndex,
    ContractModule,
    ContractYear,
    FollowRequest,
    HolderKind,
    Indexation,
    Milestone,
    Offer,
    OwnOffer,
    Request,
    Signature,
    StandardContract,
    Unit,
)
from contracting.pricing import cap_hours_for, needs_hours
from contracting.selectors import holder_insured
from contracting.services.addenda import addendum_preview_hash
from contracting.services.offers import holder_patients, offer_sign_preview_hash
from core.api import ChoiceLabelField
from insurers.models import Insurer
from providers.models import InsuredCount


class ChoiceSerializer(serializers.Serializer):
    """A TextChoices value with its label in the request's language."""

    code = serializers.CharField()
    label = serializers.CharField()


class MilestoneSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text="The milestone's label in the request's language.")
    # Instants go out in UTC (trailing "Z") so clients never guess an offset; `local_date` is the Amsterdam
    # calendar day the GCP calendar speaks of.
    due_at = serializers.DateTimeField(default_timezone=UTC)
    local_date = serializers.SerializerMethodField()
    boundary = serializers.SerializerMethodField(
        help_text="start: from 00:00 on local_date; end: until the end of local_date (due_at is the exclusive end)."
    )
    applied_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)

    class Meta:
        model = Milestone
        fields = ["kind", "label", "due_at", "local_date", "boundary", "applied_at"]

    def get_label(self, obj: Milestone) -> str:
        return str(obj.label)

    @extend_schema_field(serializers.DateField())
    def get_local_date(self, obj: Milestone) -> str:
        # "By D" is stored as 00:00 on D+1 (an exclusive bound); the day people act on is D itself.
        return display_day(obj.due_at, self.get_boundary(obj)).isoformat()

    @extend_schema_field(serializers.ChoiceField(choices=["start", "end"]))
    def get_boundary(self, obj: Milestone) -> str:
        return obj.rule.boundary if obj.rule else "end"


class ContractYearSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField()
    phase_since = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    milestones = MilestoneSerializer(many=True)

    class Meta:
        model = ContractYear
        fields = ["year", "phase", "phase_since", "milestones"]

    @extend_schema_field(ChoiceSerializer)
    def get_phase(self, obj: ContractYear) -> dict:
        return {"code": obj.phase, "label": str(obj.get_phase_display())}


# --- Shared references ----------------------------------------------------------------------------------
class InsurerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HolderSerializer(serializers.Serializer):
    """The practice or care group an offer is for."""

    # A plain string with the values named: the same choice set as StandardContract.holder_kind, and a second
    # enum under another field name would collide in the schema (see CareGroup's `kind`).
    kind = serializers.CharField(help_text="practice or care_group")
    id = serializers.IntegerField()
    name = serializers.CharField()
    agb_code = serializers.CharField(help_text="Empty for a care group without an AGB code.")
    city = serializers.CharField(help_text="Empty for a care group.")
    registered_patients = serializers.IntegerField(
        help_text="Registered patients the caps and amounts are based on (a care group: all its practices).")


def holder_data(offer: Offer, patients: int | None = None) -> dict:
    holder = offer.holder
    return {
        "kind": HolderKind.PRACTICE if offer.practice_id else HolderKind.CARE_GROUP,
        "id": holder.pk,
        "name": holder.name,
        "agb_code": getattr(holder, "agb_code", "") or "",
        "city": getattr(holder, "city", "") or "",
        "registered_patients": holder_patients(offer) if patients is None else patients,
    }


class ContractModuleSerializer(serializers.Serializer):
    """A module of a standard contract with the insurer's tariff and conditions."""

    code = serializers.CharField(source="module.code")
    name = serializers.CharField(source="module.name")
    segment = serializers.CharField(source="module.segment")
    unit = serializers.CharField(source="module.unit")
    unit_label = ChoiceLabelField("module.unit", Unit)
    tariff = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Euro, in `unit`.")
    conditions = serializers.CharField()
    mandatory = serializers.BooleanField(help_text="Always part of the contract; it cannot be left out.")
    requires_qualification = serializers.BooleanField(
        help_text="Choosable only once the insurer qualified the holder for it (an uitvraag; see qualifications).")
    needs_hours = serializers.SerializerMethodField(help_text="Choosing it needs hours per week.")

    def get_needs_hours(self, obj: ContractModule) -> bool:
        return needs_hours(obj)


class OfferModuleSerializer(ContractModuleSerializer):
    cap_hours = serializers.SerializerMethodField(
        help_text="Most hours per week this holder may contract (e.g. POH-GGZ: 12 per 2,350 patients); null: no cap.")

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True))
    def get_cap_hours(self, obj: ContractModule) -> str | None:
        cap = cap_hours_for(obj, self.context["patients"])
        return None if cap is None else str(cap)


class ModuleChoiceOutSerializer(serializers.Serializer):
    module = serializers.CharField(source="contract_module.module.code")
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class SignatureSummarySerializer(serializers.ModelSerializer):
    signed_at = serializers.DateTimeField(default_timezone=UTC)

    class Meta:
        model = Signature
        fields = ["content_hash", "signed_at", "estimated_amount"]


class StandardContractRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardContract
        fields = ["id", "title", "first_year", "term_years", "last_year", "years_label", "indexation"]


class OfferSerializer(serializers.ModelSerializer):
    """An offer with everything needed to choose and sign: the contract's modules with this holder's caps,
    the modules chosen so far and, once signed, the signature."""

    status_label = ChoiceLabelField("status", Offer.Status)
    reason_label = ChoiceLabelField("reason", Offer.Reason)
    insurer = InsurerRefSerializer()
    holder = serializers.SerializerMethodField()
    standard_contract = StandardContractRefSerializer()
    created_at = serializers.DateTimeField(default_timezone=UTC)
    opened_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    decided_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    modules = serializers.SerializerMethodField()
    chosen_modules = serializers.SerializerMethodField(
        help_text="The holder's saved choice. Shown to the holder's own people; to others only once signed.")
    sign_preview_hash = serializers.SerializerMethodField(
        help_text="For a signatory of the holder while the offer is open: the SHA-256 of what signing the saved "
                  "choice would freeze now (without the signing moment and signer). Show the offer, then sign "
                  "with it as `content_hash`, so that nothing changed in between is signed unseen. Null for "
                  "anyone else, once the offer is no longer open, or while the saved choice cannot be signed as "
                  "it stands (signing says why).")
    signature = serializers.SerializerMethodField()
    insured_patients = serializers.SerializerMethodField(
        help_text="The offer's insurer's own insured among the holder's registered patients: the base of the "
                  "estimated amounts. Null when not known; the estimates then count all registered patients.")

    class Meta:
        model = Offer
        fields = ["id", "year", "status", "status_label", "reason", "reason_label", "insurer", "holder",
                  "standard_contract", "created_at", "opened_at", "decided_at", "refusal_reason", "modules",
                  "chosen_modules", "sign_preview_hash", "signature", "insured_patients"]

    def _patients(self, obj: Offer) -> int:
        # Computed once per offer and shared by the holder block and every module's cap.
        if not hasattr(obj, "_api_patients"):
            obj._api_patients = holder_patients(obj)
        return obj._api_patients

    @extend_schema_field(HolderSerializer)
    def get_holder(self, obj: Offer) -> dict:
        return holder_data(obj, self._patients(obj))

    @extend_schema_field(OfferModuleSerializer(many=True))
    def get_modules(self, obj: Offer) -> list:
        return OfferModuleSerializer(obj.standard_contract.modules.all(), many=True,
                                     context={"patients": self._patients(obj)}).data

    @extend_schema_field(ModuleChoiceOutSerializer(many=True))
    def get_chosen_modules(self, obj: Offer) -> list:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not may_see_choice(user, obj):
            return []
        return ModuleChoiceOutSerializer(obj.choices.all(), many=True).data

    @extend_schema_field(serializers.CharField(allow_null=True, min_length=64, max_length=64))
    def get_sign_preview_hash(self, obj: Offer) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or obj.status != Offer.Status.OPEN or not is_holder_signatory(user, obj):
            return None
        return offer_sign_preview_hash(obj)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_insured_patients(self, obj: Offer) -> int | None:
        return holder_insured(obj)

    @extend_schema_field(SignatureSummarySerializer(allow_null=True))
    def get_signature(self, obj: Offer) -> dict | None:
        signature = getattr(obj, "signature", None)  # select_related: no query, also when there is none
        return SignatureSummarySerializer(signature).data if signature else None


# --- Offer actions --------------------------------------------------------------------------------------
@extend_schema_field({
    "oneOf": [
        {"type": "string", "description": "A module code, for a module without hours (e.g. kwaliteit)."},
        {"type": "object", "required": ["module"], "properties": {
            "module": {"type": "string", "description": "Module code, e.g. poh-ggz."},
            "hours": {"type": "string", "format": "decimal", "nullable": True,
                      "description": "Hours per week, within the module's cap for this holder (e.g. 12 or \"15.8\")."},
        }},
    ]
})
class ModuleChoiceField(serializers.Field):
    """A chosen module: its bare code, or {"module": code, "hours": n}. The caps and codes are checked by the
    service against the offer's contract; here only the shape."""

    default_error_messages = {
        "invalid": _("Geef een modulecode, of een object met 'module' en 'hours'."),
        "invalid_hours": _("Het aantal uren is een getal, bijvoorbeeld 12 of 15.8."),
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and data.strip():
            return data.strip()
        if not isinstance(data, dict) or not isinstance(data.get("module"), str) or not data["module"].strip():
            self.fail("invalid")
        hours = data.get("hours")
        if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int | float | str | Decimal)):
            self.fail("invalid_hours")
        return {"module": data["module"].strip(), "hours": hours}

    def to_representation(self, value):
        return value


class ModulesInputSerializer(serializers.Serializer):
    modules = serializers.ListField(child=ModuleChoiceField(), allow_empty=True)


class OfferListSerializer(OfferSerializer):
    """An offer in a list: status, parties and signature, without the module details (GET the offer itself
    for those). Keeps a page of 50 offers light for an insurer's signing watch."""

    class Meta(OfferSerializer.Meta):
        fields = ["id", "year", "status", "status_label", "reason", "reason_label", "insurer", "holder",
                  "standard_contract", "created_at", "opened_at", "decided_at", "refusal_reason", "signature"]


class OfferSignInputSerializer(serializers.Serializer):
    modules = serializers.ListField(
        child=ModuleChoiceField(), required=False, allow_empty=True,
        help_text="The modules to sign; mandatory modules are always included. Left out: sign the saved choice.")
    content_hash = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", required=False,
        error_messages={"invalid": _("Geef het SHA-256-kenmerk als 64 hexadecimale tekens.")},
        help_text="Sign only what you showed: the SHA-256 of the content this request would sign, without the "
                  "signing moment and signer. For the saved choice that is the offer's `sign_preview_hash`. If "
                  "anything changed since (another module choice, a new policy version), nothing is signed and "
                  "the answer is 409 `content_changed`: read the offer again. Left out: no such check.")

    def validate_content_hash(self, value: str) -> str:
        return value.lower()


class OfferRefuseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class SignatureSerializer(serializers.ModelSerializer):
    """The signed contract: the exact content frozen at signing and its SHA-256."""

    offer = serializers.IntegerField(source="offer_id")
    signed_at = serializers.DateTimeField(default_timezone=UTC)
    signed_by = UserRefSerializer()
    content = serializers.JSONField(help_text="The contract as signed: insurer, holder, years, conditions and the "
                                              "chosen modules with hours and estimated amounts.")
    content_hash = serializers.CharField(help_text="SHA-256 of `content` (JSON, sorted keys).")
    estimated_amount = serializers.DecimalField(max_digits=12, decimal_places=2,
                                                help_text="Estimated yearly amount in euro.")

    class Meta:
        model = Signature
        fields = ["offer", "signed_at", "signed_by", "content", "content_hash", "estimated_amount"]


class QuestionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class QuestionSerializer(serializers.ModelSerializer):
    asked_at = serializers.DateTimeField(source="raised_at", default_timezone=UTC)
    due_at = serializers.DateTimeField(default_timezone=UTC, help_text="A reaction is due before this moment "
                                                                       "(5 working days).")
    settle_due_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True,
                                              help_text="For a question the insurer marked laborious: settled "
                                                        "before this moment (2 working weeks from asking).")
    answered_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)

    class Meta:
        model = Request
        fields = ["id", "offer", "text", "asked_at", "due_at", "laborious_reason", "settle_due_at", "answer",
                  "answered_at"]


# --- Follow requests (volgen) ---------------------------------------------------------------------------
class SignedModuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    tariff = serializers.CharField()
    hours = serializers.CharField(allow_null=True)


class FollowRequestSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField("status", FollowRequest.Status)
    insurer = InsurerRefSerializer(help_text="The insurer asked to follow.")
    offer = serializers.IntegerField(source="offer_id")
    contracted_with = InsurerRefSerializer(source="offer.insurer", help_text="The insurer the contract was signed "
                                                                              "with.")
    holder = serializers.SerializerMethodField()
    signed_modules = serializers.SerializerMethodField(help_text="The modules of the signed contract: the codes "
                                                                 "`not_followed` may name.")
    requested_at = serializers.DateTimeField(default_timezone=UTC)
    due_at = serializers.DateTimeField(default_timezone=UTC, help_text="Decide before this moment (1 January).")
    decided_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)

    class Meta:
        model = FollowRequest
        fields = ["id", "year", "status", "status_label", "insurer", "offer", "contracted_with", "holder",
                  "signed_modules", "requested_at", "due_at", "not_followed", "explanation", "decided_at"]

    @extend_schema_field(HolderSerializer)
    def get_holder(self, obj: FollowRequest) -> dict:
        signature = obj.offer.signature
        return holder_data(obj.offer, signature.content["holder"]["registered_patients"])

    @extend_schema_field(SignedModuleSerializer(many=True))
    def get_signed_modules(self, obj: FollowRequest) -> list:
        return SignedModuleSerializer(obj.offer.signature.content["modules"], many=True).data


class FollowRequestCreateSerializer(serializers.Serializer):
    offer = serializers.PrimaryKeyRelatedField(queryset=Offer.objects.none(),
                                               help_text="A signed offer of the user's own practice or care group.")
    insurers = serializers.PrimaryKeyRelatedField(queryset=Insurer.objects.all(), many=True, allow_empty=False)

    def __init__(self, *args, offers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offers is not None:
            self.fields["offer"].queryset = offers


class FollowDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[s for s in FollowRequest.Status.choices
                                                if s[0] != FollowRequest.Status.PENDING])
    explanation = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                        help_text="Required for partial and declined.")
    not_followed = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                         help_text="Module codes not followed; required for partial.")


# --- Register and standard contracts --------------------------------------------------------------------
class RegisterEntrySerializer(serializers.Serializer):
    insurer = serializers.CharField(help_text="Insurer name.")
    insurer_id = serializers.IntegerField()
    name = serializers.CharField()
    agb_code = serializers.CharField()
    city = serializers.CharField()
    kind = serializers.CharField(help_text="practice or care_group")
    via = serializers.ChoiceField(choices=["contract", "volgcontract"],
                                  help_text="contract: signed the insurer's own contract; volgcontract: the insurer "
                                            "followed a contract signed with another insurer.")


class RegisterPublicationSerializer(serializers.Serializer):
    insurer = InsurerRefSerializer()
    published_at = serializers.DateTimeField(default_timezone=UTC)


class RegisterSerializer(serializers.Serializer):
    """One page of the register: the publications, the number of entries that match, links to the pages
    before and after this one, and this page's entries (by insurer, then name and AGB code)."""

    year = serializers.IntegerField()
    publications = RegisterPublicationSerializer(many=True, help_text="Insurers whose register is public. Empty "
                                                                      "before 19 November.")
    count = serializers.IntegerField(help_text="Entries that match the filters, on all pages together.")
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last page.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page; null on the first page.")
    entries = RegisterEntrySerializer(many=True, help_text="This page's entries (`page_size`, 100 by default).")


class StandardContractModuleSerializer(ContractModuleSerializer):
    cap_hours = serializers.SerializerMethodField(
        help_text="Most hours per week per `cap_patients` registered patients; null: no cap. An offer shows the "
                  "cap worked out for its holder.")
    cap_patients = serializers.IntegerField(source="module.cap_patients", allow_null=True)

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True))
    def get_cap_hours(self, obj: ContractModule) -> str | None:
        if obj.module.cap_rule != CapRule.HOURS_PER_PATIENTS:
            return None
        per_norm = obj.cap_hours if obj.cap_hours is not None else obj.module.cap_hours_max
        return None if per_norm is None else str(per_norm)


class ContractIndexSerializer(serializers.ModelSerializer):
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True)
    set_at = serializers.DateTimeField(default_timezone=UTC)
    applied_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True,
                                           help_text="The moment the figure took effect (1 January of `year`); "
                                                     "null until then.")

    class Meta:
        model = ContractIndex
        fields = ["year", "percent", "set_at", "applied_at"]


class ContractIndexInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="A later year of the contract's term.")
    percent = serializers.CharField(max_length=10, help_text="The index figure in percent, e.g. \"3.5\".")


class StandardContractSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField("status", StandardContract.Status)
    insurer = InsurerRefSerializer()
    published_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    modules = StandardContractModuleSerializer(many=True)
    indexation_label = ChoiceLabelField("indexation", Indexation)
    indices = ContractIndexSerializer(many=True, help_text="The index figure per later year of the term.")

    class Meta:
        model = StandardContract
        fields = ["id", "insurer", "title", "holder_kind", "first_year", "term_years", "last_year", "status",
                  "status_label", "published_at", "is_late", "content_hash", "conditions", "adjustment_clause",
                  "indexation", "indexation_label", "requires_qualification", "indices", "modules"]


# --- Addenda to signed contracts ------------------------------------------------------------------------
class AddendumChangeSerializer(serializers.Serializer):
    module = serializers.CharField(help_text="The code of a module of the signed contract.")
    tariff = serializers.CharField(allow_null=True, help_text="The new tariff in euros, or null: unchanged.")
    hours = serializers.CharField(allow_null=True, help_text="The new hours a week (hour modules), or null.")


class AddendumSerializer(serializers.ModelSerializer):
    offer = serializers.IntegerField(source="offer_id")
    kind_label = ChoiceLabelField("kind", ContractAddendum.Kind)
    status_label = ChoiceLabelField("status", ContractAddendum.Status)
    changes = AddendumChangeSerializer(many=True)
    proposed_at = serializers.DateTimeField(default_timezone=UTC)
    decided_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    content = serializers.JSONField(allow_null=True, help_text="Once accepted: the signed content, frozen; its "
                                                              "SHA-256 is `content_hash`.")
    sign_preview_hash = serializers.SerializerMethodField(
        help_text="For a signatory of the holder while the addendum is proposed: the SHA-256 of what accepting "
                  "would freeze now (without the signing moment and signer). Send it as `content_hash` to accept "
                  "only what you showed. Null for anyone else or once decided.")

    class Meta:
        model = ContractAddendum
        fields = ["id", "offer", "number", "kind", "kind_label", "title", "text", "changes", "effective_from",
                  "status", "status_label", "proposed_at", "decided_at", "refusal_reason", "content",
                  "content_hash", "sign_preview_hash"]

    @extend_schema_field(serializers.CharField(allow_null=True, min_length=64, max_length=64))
    def get_sign_preview_hash(self, obj: ContractAddendum) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or obj.status != ContractAddendum.Status.PROPOSED or not is_holder_signatory(user, obj.offer):
            return None
        return addendum_preview_hash(obj)


class AddendumListSerializer(AddendumSerializer):
    """An addendum in a list: without its frozen content and preview hash (read one addendum for those), so a
    page of addenda is read in a fixed number of queries."""

    class Meta(AddendumSerializer.Meta):
        fields = [f for f in AddendumSerializer.Meta.fields if f not in ("content", "sign_preview_hash")]


class AddendumProposeInputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="maatwerk or adjustment.")
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=20000)
    changes = serializers.ListField(child=serializers.DictField(), required=False, default=list,
                                    help_text='[{"module": code, "tariff": "12.50" | null, "hours": "8" | null}]; '
                                              "may be empty when the text alone is the change.")
    effective_from = serializers.DateField(help_text="A day inside the contract's term.")


class AddendumAcceptInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12, help_text="The current code from the signatory's authenticator app.")
    content_hash = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", required=False,
        error_messages={"invalid": _("Geef het SHA-256-kenmerk als 64 hexadecimale tekens.")},
        help_text="The addendum's `sign_preview_hash` as you showed it; if the content changed since, nothing is "
                  "signed (409 content_changed). Left out: no such check.")


class AddendumRefuseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class ContractTermSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    tariff = serializers.CharField()
    hours = serializers.CharField(allow_null=True)
    addenda = serializers.ListField(child=serializers.IntegerField(), help_text="Numbers of the accepted addenda "
                                                                                "that changed this line.")
    changed_from = serializers.DateField(allow_null=True)
    base_tariff = serializers.CharField(help_text="The tariff before indexation (the signed one, or an accepted "
                                                  "addendum's).")
    indexed = serializers.BooleanField(help_text="The indexation clause moved the tariff for this year.")
    capped = serializers.BooleanField(help_text="Held at that year's NZa maximum.")


# --- Own contract offers --------------------------------------------------------------------------------
class OwnOfferLineSerializer(serializers.Serializer):
    module = serializers.CharField(source="module.code")
    name = serializers.CharField(source="module.name")
    tariff = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=True)
    conditions = serializers.CharField()


class OwnOfferSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField("status", OwnOffer.Status)
    insurer = InsurerRefSerializer()
    holder = serializers.SerializerMethodField()
    lines = OwnOfferLineSerializer(many=True)
    submitted_at = serializers.DateTimeField(default_timezone=UTC)
    due_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True,
                                       help_text="The insurer's decision is due before this moment (the end of the "
                                                 "year's definitive-offers day).")
    decided_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    contract = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Once accepted: the standard contract "
                                                  "made from it, with one offer to the holder.")

    class Meta:
        model = OwnOffer
        fields = ["id", "year", "term_years", "last_year", "title", "text", "status", "status_label", "insurer",
                  "holder", "lines", "submitted_at", "due_at", "decided_at", "reason", "contract"]

    @extend_schema_field(serializers.DictField())
    def get_holder(self, obj: OwnOffer) -> dict:
        holder = obj.holder
        return {"kind": "practice" if obj.practice_id else "care_group", "id": holder.pk, "name": holder.name}


class OwnOfferLineInputSerializer(serializers.Serializer):
    module = serializers.CharField(max_length=60)
    tariff = serializers.CharField(max_length=20)
    conditions = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class OwnOfferInputSerializer(serializers.Serializer):
    practice = serializers.IntegerField(required=False, help_text="Your practice (or give care_group).")
    care_group = serializers.IntegerField(required=False, help_text="Your care group (or give practice).")
    insurer = serializers.PrimaryKeyRelatedField(queryset=Insurer.objects.all())
    year = serializers.IntegerField(help_text="The contract year; the offer is made from 1 February to 1 July of "
                                              "the year before.")
    title = serializers.CharField(max_length=200, allow_blank=True)
    text = serializers.CharField(max_length=10_000, allow_blank=True)
    term_years = serializers.IntegerField(default=1)
    lines = OwnOfferLineInputSerializer(many=True, allow_empty=True)

    def validate(self, attrs):
        if ("practice" in attrs) == ("care_group" in attrs):
            raise serializers.ValidationError(_("Geef een praktijk of een samenwerkingsverband."))
        return attrs


class OwnOfferDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("accepted", "accepted"), ("refused", "refused")])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


# --- Mid-term adjustments ---------------------------------------------------------------------------------
class AdjustmentSerializer(serializers.ModelSerializer):
    ground_label = ChoiceLabelField("ground", ContractAdjustment.Ground)
    status = serializers.CharField(source="addendum.status", help_text="The addendum's status: proposed, "
                                   "accepted (in force from 1 January of `year`), refused or withdrawn.")
    due_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True,
                                       help_text="The holder's signatory accepts before this moment (the end of the "
                                                 "year's signing); otherwise it lapses.")
    lapsed_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    addendum = AddendumListSerializer()

    class Meta:
        model = ContractAdjustment
        fields = ["id", "year", "ground", "ground_label", "explanation", "status", "due_at", "lapsed_at", "addendum"]


class AdjustmentInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="A later year of the term; the adjustment applies from 1 January.")
    ground = serializers.CharField(help_text="legal, budget or unclear (the exception clause's grounds).")
    explanation = serializers.CharField(allow_blank=True, max_length=5000)
    title = serializers.CharField(allow_blank=True, max_length=200)
    text = serializers.CharField(allow_blank=True, max_length=20000)
    changes = serializers.ListField(child=serializers.DictField(), required=False, default=list,
                                    help_text='[{"module": code, "tariff": "12.50" | null, "hours": "8" | null}]')


# --- Insured counts -------------------------------------------------------------------------------------
class InsuredCountSerializer(serializers.ModelSerializer):
    practice = serializers.IntegerField(source="practice_id")
    insurer = serializers.IntegerField(source="insurer_id")
    updated_at = serializers.DateTimeField(default_timezone=UTC)

    class Meta:
        model = InsuredCount
        fields = ["practice", "insurer", "insured", "updated_at"]


class InsuredCountItemSerializer(serializers.Serializer):
    practice = serializers.IntegerField(min_value=1)
    insured = serializers.IntegerField(help_text="The insurer's insured among the practice's registered patients.")


class InsuredCountsInputSerializer(serializers.Serializer):
    insurer = serializers.IntegerField(required=False, min_value=1,
                                       help_text="The insurer; may be left out by a purchaser of one insurer.")
    counts = InsuredCountItemSerializer(many=True, allow_empty=False)


# --- Care-group members -------------------------------------------------------------------------------------
class PohsArrangementSerializer(serializers.Serializer):
    variant = serializers.CharField(help_text="in_ketenzorg, via_praktijk or aanvulling (NZa monitor 2019).")
    variant_label = serializers.CharField()
    care_group = serializers.IntegerField(help_text="The care group the arrangement is with.")
    care_group_amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True,
                                                 help_text="aanvulling: what the practice receives for POH-S "
                                                           "from the care group a year.")


class CareGroupMemberSerializer(serializers.Serializer):
    care_group = serializers.IntegerField()
    care_group_name = serializers.CharField()
    practice = serializers.IntegerField()
    practice_name = serializers.CharField()
    programmes = serializers.ListField(child=serializers.CharField(),
                                       help_text="Catalogue codes of the programmes the practice takes part in.")
    pohs = PohsArrangementSerializer(allow_null=True)


class CareGroupMemberInputSerializer(serializers.Serializer):
    care_group = serializers.IntegerField(min_value=1)
    practice = serializers.IntegerField(min_value=1)
    programmes = serializers.ListField(child=serializers.CharField(), allow_empty=True)
    pohs_variant = serializers.CharField(required=False, allow_blank=True,
                                         help_text="Left out or empty: the POH-S arrangement stays as it is.")
    care_group_amount = serializers.CharField(required=False, allow_null=True, allow_blank=True)
