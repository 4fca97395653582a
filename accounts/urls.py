from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import PortalPasswordResetForm, PortalSetPasswordForm

app_name = "accounts"

urlpatterns = [
    path("inloggen/", views.PortalLoginView.as_view(), name="login"),
    path("inloggen/code/", views.verify_otp, name="verify_otp"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord-vergeten/", auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        form_class=PortalPasswordResetForm,
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done")), name="password_reset"),
    path("wachtwoord-vergeten/verstuurd/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("wachtwoord-herstellen/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        form_class=PortalSetPasswordForm,
        success_url=reverse_lazy("accounts:password_reset_complete")), name="password_reset_confirm"),
    path("wachtwoord-herstellen/klaar/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("profiel/", views.profile, name="profile"),
    path("profiel/tweestapsverificatie/", views.two_factor, name="two_factor"),
    path("profiel/agenda-link/", views.calendar_feed_renew_view, name="calendar_feed_renew"),
    path("meldingen/", views.inbox, name="inbox"),
    path("meldingen/<int:pk>/gelezen/", views.notification_read, name="notification_read"),
    path("organisaties/", views.organisations, name="organisations"),
    path("organisaties/praktijk/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("organisaties/samenwerkingsverband/<int:pk>/", views.care_group_detail, name="care_group_detail"),
    path("organisaties/verzekeraar/<int:pk>/", views.insurer_detail, name="insurer_detail"),
]
