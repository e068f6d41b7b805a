"""Admin edit forms that offer only the rows the user may see (a recommender: its own unit)."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm


class ScopedChoicesForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .permissions import visible_persons, visible_units

        user = getattr(self, "for_user", None)
        if user is None:
            return
        # Plain selects limited to visible rows, instead of choosers that would list every row.
        for name, visible in (("unit", visible_units), ("person", visible_persons)):
            if name in self.fields:
                field = self.fields[name]
                field.queryset = visible(user)
                field.widget = forms.Select(choices=field.choices)
