from rest_framework.routers import SimpleRouter

from .views import SurveyInvitationViewSet, SurveyViewSet

router = SimpleRouter()
router.register("survey-invitations", SurveyInvitationViewSet, basename="survey-invitation")
router.register("surveys", SurveyViewSet, basename="survey")

urlpatterns = router.urls
