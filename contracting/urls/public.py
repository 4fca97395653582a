from django.urls import path

from ..views import public as views
from ..views import requests as request_views

# Two namespaces of public pages: the register and the purchasing policies (contracting/urls/__init__.py).
register_patterns = ([
    path("", views.register_index, name="index"),
    path("<int:year>/", views.register_year, name="year"),
    path("<int:year>.csv", views.register_csv, name="csv"),
], "register")

policy_patterns = ([
    path("", views.policy_index, name="index"),
    path("bijlagen/<int:pk>/", views.policy_attachment, name="attachment"),
    path("<slug:slug>/<int:year>/", views.policy_insurer_year, name="insurer_year"),
    path("<slug:slug>/<int:year>/versie/<int:number>/", views.policy_version, name="version"),
    path("<slug:slug>/<int:year>/innovatie/", request_views.criteria_public, name="innovation_criteria"),
], "policies")
