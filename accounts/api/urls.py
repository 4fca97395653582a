from django.urls import path
from rest_framework.routers import SimpleRouter

from .organisations import CareGroupViewSet, PracticeViewSet, RegionViewSet
from .views import MeView, NotificationViewSet, TokenObtainView

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
router.register("practices", PracticeViewSet, basename="practice")
router.register("care-groups", CareGroupViewSet, basename="care-group")
router.register("regions", RegionViewSet, basename="region")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    *router.urls,
]
