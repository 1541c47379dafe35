from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import pre_save

        from accounts.validators import guard_before_save

        # The NIK guard and length caps of every model, checked on save (accounts.validators).
        pre_save.connect(guard_before_save, dispatch_uid="accounts-nik-guard")

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
