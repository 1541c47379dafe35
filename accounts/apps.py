from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # allauth's own pages (change, reset, set) announce a new password only by signal;
        # each becomes an audit row (who, when, which event; never the password).
        from allauth.account import signals

        from accounts.audit import audit_password_event

        def _audit(event):
            def receiver(sender, request, user, **kwargs):
                actor = getattr(request, "user", None)
                audit_password_event(
                    user, event, actor=actor if actor and actor.is_authenticated else user
                )

            return receiver

        for name, event in (("password_changed", "changed"), ("password_reset", "reset"),
                            ("password_set", "set")):  # fmt: skip
            getattr(signals, name).connect(_audit(event), weak=False, dispatch_uid=f"audit-{name}")
