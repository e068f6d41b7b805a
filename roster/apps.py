from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "roster"
    verbose_name = "首席技师名册"

    def ready(self):
        from . import (
            audit_signals,  # noqa: F401 - connects the security-event receivers
            notify,  # noqa: F401 - connects the receivers that tell staff of objections and experts
        )
        from .spreadsheets import escape_wagtail_csv

        escape_wagtail_csv()
