from django.urls import path
from rest_framework.routers import SimpleRouter

from .oth import OverlegFiguresView
from .regional import RegionalMeetingViewSet
from .views import EvaluationViewSet, KnelpuntViewSet, MeetingViewSet, PositionViewSet, RoundViewSet

router = SimpleRouter()
router.register("consultation-rounds", RoundViewSet, basename="consultation-round")
router.register("consultation-meetings", MeetingViewSet, basename="consultation-meeting")
router.register("consultation-positions", PositionViewSet, basename="consultation-position")
router.register("consultation-knelpunten", KnelpuntViewSet, basename="consultation-knelpunt")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("regional-meetings", RegionalMeetingViewSet, basename="regional-meeting")

urlpatterns = [
    path("overleg-figures/", OverlegFiguresView.as_view(), name="overleg-figures"),
    *router.urls,
]
