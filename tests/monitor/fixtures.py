"""Small, hand-countable contracting data for the indicator tests of chapters 4 and 5: contracts, offers,
signatures, requests and follow requests written as rows (the services that write them have their own tests;
here only what the monitor reads matters)."""

from datetime import datetime
from decimal import Decimal

from contracting.calendar import AMSTERDAM
from contracting.models import (
    ContractModule,
    FollowRequest,
    HolderKind,
    Module,
    Negotiation,
    Offer,
    Request,
    Signature,
    StandardContract,
)
from tests.factories import UserFactory


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def contract(insurer, *, holder_kind=HolderKind.CARE_GROUP, first_year=2027, term_years=1, lines=(),
             published_at=None):
    """A published standard contract with `lines`: (module code, {field: value}) pairs."""
    sc = StandardContract.objects.create(insurer=insurer, holder_kind=holder_kind, first_year=first_year,
                                         term_years=term_years, title=f"Contract {first_year}",
                                         status=StandardContract.Status.PUBLISHED,
                                         published_at=published_at or ams(first_year - 1, 7, 1))
    modules = {m.code: m for m in Module.objects.filter(code__in=[code for code, _f in lines])}
    for code, fields in lines:
        ContractModule.objects.create(standard_contract=sc, module=modules[code],
                                      tariff=Decimal(str(fields.pop("tariff", "10.00"))), mandatory=True, **fields)
    return sc


def offer(sc, holder, *, year=None, offered_at=None, signed_at=None, status=None, region=None,
          reason=Offer.Reason.PREFERENT):
    """An offer of `sc` to `holder` (a practice or care group), made at `offered_at` (default: now, as
    auto_now_add does) and signed at `signed_at` when given."""
    kind = "practice" if holder._meta.model_name == "practice" else "care_group"
    o = Offer.objects.create(standard_contract=sc, insurer=sc.insurer, year=year or sc.first_year,
                             region=region or holder.region, reason=reason, **{kind: holder},
                             status=status or (Offer.Status.SIGNED if signed_at else Offer.Status.OPEN))
    if offered_at is not None:
        Offer.objects.filter(pk=o.pk).update(created_at=offered_at)
    if signed_at is not None:
        Signature.objects.create(offer=o, signed_by=UserFactory(), signed_at=signed_at, content={},
                                 content_hash="0" * 64, estimated_amount=Decimal("0"))
    return o


def negotiation(offer_obj, *, first_offer_at):
    return Negotiation.objects.create(insurer=offer_obj.insurer, care_group=offer_obj.care_group,
                                      year=offer_obj.year, status=Negotiation.Status.SIGNED,
                                      created_at=first_offer_at, first_offer_at=first_offer_at, offer=offer_obj)


def request(kind, insurer, holder, *, year=2027, raised_at=None, status=Request.Status.DECIDED, outcome="",
            appeal_outcome="", module=None):
    kind_field = "practice" if holder._meta.model_name == "practice" else "care_group"
    return Request.objects.create(kind=kind, insurer=insurer, region=holder.region, year=year, text="Verzoek",
                                  raised_by=UserFactory(), raised_at=raised_at or ams(2027, 3, 1, 10, 0),
                                  status=status, outcome=outcome, appeal_outcome=appeal_outcome, module=module,
                                  **{kind_field: holder})


def follow(offer_obj, insurer, status, *, year=2027):
    return FollowRequest.objects.create(offer=offer_obj, insurer=insurer, year=year, status=status,
                                        requested_by=UserFactory(), requested_at=ams(2026, 10, 20, 10, 0))
