from django.urls import path
from rest_framework.routers import SimpleRouter

from .qualification import QualificationQuestionnaireViewSet
from .results import (
    SurveyCrosstabView,
    SurveyInsurerCrosstabView,
    SurveyInsurerResultsView,
    SurveyInsurerTrendView,
    SurveyResultsListView,
    SurveyResultsView,
    SurveyTrendView,
)
from .views import SurveyInvitationViewSet, SurveyViewSet

router = SimpleRouter()
router.register("qualification-questionnaires", QualificationQuestionnaireViewSet,
                basename="qualification-questionnaire")
router.register("survey-invitations", SurveyInvitationViewSet, basename="survey-invitation")
router.register("surveys", SurveyViewSet, basename="survey")

urlpatterns = router.urls + [
    path("survey-results/", SurveyResultsListView.as_view(), name="survey-results-list"),
    path("survey-results/<int:pk>/", SurveyResultsView.as_view(), name="survey-results-detail"),
    path("survey-results/<int:pk>/insurers/<int:insurer_pk>/", SurveyInsurerResultsView.as_view(),
         name="survey-results-insurer"),
    path("survey-results/<int:pk>/crosstab/", SurveyCrosstabView.as_view(), name="survey-results-crosstab"),
    path("survey-results/<int:pk>/insurers/<int:insurer_pk>/crosstab/", SurveyInsurerCrosstabView.as_view(),
         name="survey-results-insurer-crosstab"),
    path("survey-series/<slug:series>/trend/", SurveyTrendView.as_view(), name="survey-series-trend"),
    path("survey-series/<slug:series>/insurers/<int:insurer_pk>/trend/", SurveyInsurerTrendView.as_view(),
         name="survey-series-insurer-trend"),
]
