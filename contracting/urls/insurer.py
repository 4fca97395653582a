from django.urls import path

from ..views import insurer as views
from ..views import nza
from ..views import qualifications as qualification_views
from ..views import requests as request_views

app_name = "purchasing"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("beleid/<int:year>/", views.policy_edit, name="policy"),
    path("beleid/<int:year>/publiceren/", views.policy_publish_confirm, name="policy_publish"),
    path("beleid/versies/<int:pk>/", views.policy_version, name="policy_version"),
    path("contracten/nieuw/", views.contract_new, name="contract_new"),
    path("contracten/<int:pk>/", views.contract_edit, name="contract_edit"),
    path("contracten/<int:pk>/voorbeeld/", views.contract_preview, name="contract_preview"),
    path("contracten/<int:pk>/publiceren/", views.contract_publish_confirm, name="contract_publish"),
    path("contracten/<int:pk>/indexatie/", views.contract_index, name="contract_index"),
    path("inbox/", views.inbox, name="inbox"),
    path("eigen-aanbod/", views.own_offers, name="own_offers"),
    path("eigen-aanbod/<int:pk>/", views.own_offer_detail, name="own_offer"),
    path("vragen/<int:pk>/", views.question_detail, name="question"),
    path("volgverzoeken/<int:pk>/", views.follow_request_detail, name="follow_request"),
    path("contracten/ondertekend/<int:pk>/addenda/", views.addenda_propose, name="addenda"),
    path("addenda/<int:pk>/", views.addendum_status, name="addendum"),
    path("contracten/ondertekend/<int:pk>/aanpassing/", views.adjustment_propose_view, name="adjustment"),
    path("nza-tarieven/", nza.nza_tariffs, name="nza_tariffs"),
    path("nza-zorggroepen/", nza.caregroup_offers, name="nza_caregroup_offers"),
    path("zorggroepen/", views.negotiations, name="negotiations"),
    path("zorggroepen/aanbod/", views.negotiation_new, name="negotiation_new"),
    path("zorggroepen/<int:pk>/", views.negotiation_detail, name="negotiation"),
    path("verzoeken/", request_views.insurer_list, name="requests"),
    path("verzoeken/<int:pk>/", request_views.request_detail, name="request"),
    path("uitvragen/", qualification_views.insurer_list, name="qualifications"),
    path("uitvragen/<int:pk>/", qualification_views.insurer_detail, name="qualification"),
    path("innovatiecriteria/<int:year>/", request_views.criteria_edit, name="criteria"),
]
