from django.urls import include, path

from ..views import owner, qualification, respondent

app_name = "surveys"

urlpatterns = [
    path("", respondent.survey_list, name="list"),
    path("<int:pk>/invullen/", respondent.respond, name="respond"),
    path("beheer/", owner.manage, name="manage"),
    path("beheer/nieuw/", owner.create, name="manage_create"),
    path("beheer/<int:pk>/", owner.detail, name="manage_detail"),
    path("beheer/<int:pk>/respons/", owner.rate, name="manage_rate"),
    path("beheer/<int:pk>/publiceren/", owner.publish, name="manage_publish"),
    path("uitvragen/", qualification.holder_questionnaires, name="qualification_list"),
    path("uitvragen/<int:pk>/", qualification.questionnaire_start, name="qualification_start"),
    path("uitvragen/beheer/", qualification.insurer_questionnaires, name="qualification_manage"),
    path("", include("surveys.urls.results")),
]
