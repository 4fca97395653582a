from rest_framework.routers import SimpleRouter

from .negotiations import NegotiationViewSet
from .qualifications import QualificationViewSet
from .requests import RequestViewSet
from .views import (
    AddendumViewSet,
    CareGroupMemberViewSet,
    ContractYearViewSet,
    FollowRequestViewSet,
    InsuredCountViewSet,
    OfferViewSet,
    OwnOfferViewSet,
    RegisterViewSet,
    StandardContractViewSet,
)

router = SimpleRouter()
router.register("care-group-members", CareGroupMemberViewSet, basename="care-group-member")
router.register("contract-years", ContractYearViewSet, basename="contract-year")
router.register("offers", OfferViewSet, basename="offer")
router.register("addenda", AddendumViewSet, basename="addendum")
router.register("follow-requests", FollowRequestViewSet, basename="follow-request")
router.register("own-offers", OwnOfferViewSet, basename="own-offer")
router.register("insured-counts", InsuredCountViewSet, basename="insured-count")
router.register("standard-contracts", StandardContractViewSet, basename="standard-contract")
router.register("register", RegisterViewSet, basename="register")
router.register("negotiations", NegotiationViewSet, basename="negotiation")
router.register("requests", RequestViewSet, basename="request")
router.register("qualifications", QualificationViewSet, basename="qualification")

urlpatterns = router.urls
