from django.urls import path

from ..views import caregroup_members as views

app_name = "members"

urlpatterns = [
    path("leden/", views.members_home, name="home"),
    path("leden/<int:pk>/", views.members_list, name="list"),
    path("leden/<int:pk>/<int:practice_pk>/", views.member_save, name="save"),
]
