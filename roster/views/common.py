"""What the staff views share: finding an entry the user may see, its address, form errors."""

from django.contrib import messages
from django.http import Http404
from django.urls import reverse

from roster.models import Entry
from roster.permissions import visible_entries


def entry_url(entry) -> str:
    return reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,))


def entry_for(request, pk) -> Entry:
    entry = visible_entries(request.user, Entry.objects.select_related("round__rule_set", "person", "unit")).filter(
        pk=pk
    )
    entry = entry.first()
    if entry is None:
        raise Http404("没有这条记录，或您无权查看。")
    return entry


def form_errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))


# --- management (Art 10, 11, 14, 15) ---
