from django.urls import path

from ..views import practice as views
from ..views import qualifications as qualification_views
from ..views import requests as request_views

app_name = "offers"

urlpatterns = [
    path("", views.offer_list, name="list"),
    path("aanvragen/", views.contract_request, name="request"),
    path("aanbod/<int:pk>/", views.offer_detail, name="detail"),
    path("aanbod/<int:pk>/berekenen/", views.offer_estimate, name="estimate"),
    path("aanbod/<int:pk>/modules/", views.offer_choose, name="choose"),
    path("aanbod/<int:pk>/vragen/", views.offer_ask, name="ask"),
    path("aanbod/<int:pk>/ondertekenen/", views.offer_sign_view, name="sign"),
    path("aanbod/<int:pk>/tekenbevoegden-vragen/", views.notify_signatories, name="notify_signatories"),
    path("aanbod/<int:pk>/weigeren/", views.offer_refuse_view, name="refuse"),
    path("aanbod/<int:pk>/bewijs/", views.offer_receipt, name="receipt"),
    path("aanbod/<int:pk>/afdrukken/", views.offer_print, name="print"),
    path("aanbod/<int:pk>/contract.pdf", views.offer_pdf, name="pdf"),
    path("aanbod/<int:pk>/volgen/", views.offer_follow, name="follow"),
    path("uitvragen/<int:pk>/", qualification_views.holder_detail, name="qualification"),
    path("addenda/<int:pk>/", views.addendum_detail, name="addendum"),
    path("addenda/<int:pk>/ondertekenen/", views.addendum_accept_view, name="addendum_accept"),
    path("addenda/<int:pk>/weigeren/", views.addendum_refuse_view, name="addendum_refuse"),
    path("eigen-aanbod/", views.own_offer_list, name="own_offers"),
    path("eigen-aanbod/<int:pk>/", views.own_offer_detail, name="own_offer"),
    path("eigen-aanbod/<int:pk>/intrekken/", views.own_offer_withdraw_view, name="own_offer_withdraw"),
    path("verzoeken/", request_views.holder_list, name="requests"),
    path("verzoeken/nieuw/", request_views.holder_new, name="request_new"),
    path("verzoeken/<int:pk>/", request_views.request_detail, name="request"),
    path("verzoeken/<int:pk>/dossier.pdf", request_views.dossier_pdf, name="request_pdf"),
    path("verzoeken/<int:pk>/dossier.json", request_views.dossier_json, name="request_json"),
    path("verzoeken/<int:pk>/bijlagen/<int:attachment_pk>/", request_views.attachment_download,
         name="request_attachment"),
]
