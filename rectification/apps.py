from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("Rectification ledger")

    def ready(self):
        from budgets.hooks import recommendation_notes

        from . import receivers

        recommendation_notes.connect(receivers.recommendation_notes, dispatch_uid="rectification-notes")
