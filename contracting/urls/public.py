from django.urls import path

from ..views import public as views

app_name = "register"

urlpatterns = [
    path("", views.register_index, name="index"),
    path("<int:year>/", views.register_year, name="year"),
    path("<int:year>.csv", views.register_csv, name="csv"),
]
