from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from axes.signals import user_locked_out

        from .throttle import lockout_recorded

        user_locked_out.connect(lockout_recorded, dispatch_uid="accounts.login_lockout_recorded")
