from rest_framework.routers import SimpleRouter

from .qualification import QualificationQuestionnaireViewSet
from .views import SurveyInvitationViewSet, SurveyViewSet

router = SimpleRouter()
router.register("qualification-questionnaires", QualificationQuestionnaireViewSet,
                basename="qualification-questionnaire")
router.register("survey-invitations", SurveyInvitationViewSet, basename="survey-invitation")
router.register("surveys", SurveyViewSet, basename="survey")

urlpatterns = router.urls
