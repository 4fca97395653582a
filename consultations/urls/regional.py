from django.urls import path

from ..views import regional_insurer as insurer
from ..views import regional_provider as provider

# Included in the consultations namespace (urls/__init__.py).
urlpatterns = [
    path("regiobijeenkomsten/", provider.invitations, name="regional_invitations"),
    path("regiobijeenkomsten/<int:pk>/", provider.invitation_detail, name="regional_invitation"),
    path("verzekeraar/regiobijeenkomsten/", insurer.meetings, name="regional_meetings"),
    path("verzekeraar/regiobijeenkomsten/nieuw/", insurer.meeting_new, name="regional_meeting_new"),
    path("verzekeraar/regiobijeenkomsten/<int:pk>/", insurer.meeting_detail, name="regional_meeting"),
    path("verzekeraar/regiobijeenkomsten/<int:pk>/uitnodigen/", insurer.meeting_invite,
         name="regional_meeting_invite"),
]
