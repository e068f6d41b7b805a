"""Wagtail's site-history report, kept to the row rules: open to the office, the leading group and the
editors only, and roster records (cases, persons, units, rules) left out for whoever does not see every row."""

from django.core.exceptions import PermissionDenied
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry

from workflow.powers import may

ROSTER_APPS = ("roster", "workflow")


class SiteHistoryView(LogEntriesView):
    def dispatch(self, request, *args, **kwargs):
        if not may(request.user, "view_site_history"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if queryset.model is ModelLogEntry and not may(self.request.user, "see_all_rows"):
            queryset = queryset.exclude(content_type__app_label__in=ROSTER_APPS)
        return queryset
