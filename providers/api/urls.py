from rest_framework.routers import SimpleRouter

from .views import InsurerViewSet

router = SimpleRouter()
router.register("insurers", InsurerViewSet, basename="insurer")

urlpatterns = router.urls
