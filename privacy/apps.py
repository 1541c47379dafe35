from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from auditlog.registry import auditlog

        from privacy.models import PrivacyContact, RetentionHold

        # Who set the notice's contact and who held a period, when (the audit log).
        auditlog.register(PrivacyContact)
        auditlog.register(RetentionHold)
