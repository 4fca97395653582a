from rest_framework.routers import SimpleRouter

from .views import ContractYearViewSet

router = SimpleRouter()
router.register("contract-years", ContractYearViewSet, basename="contract-year")

urlpatterns = router.urls
