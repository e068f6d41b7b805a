"""Admin edit forms: a crafted record id is refused in Chinese (never a 500), and the choices offered
are only the rows the user may see (a recommender: its own unit)."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from workflow.powers import may

MAX_ID = 2**63 - 1  # the largest primary key a database holds
PAYEE_FIELDS = ("bank_name", "bank_account")
MALFORMED_ID = "所选项不存在，请重新选择。"
ROUND_FIXED_HELP = "申报记录建立后不能更改。"
IDENTITY_FIXED_HELP = "单位公示已经开始，不能更改（第九条第二项）。"


def valid_id(value) -> int | None:
    """A submitted record id as an int, or None when it cannot be one (text, negative, too large)."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


class SafeIdsForm(WagtailAdminModelForm):
    """Drops submitted ids that cannot name a row before any widget or query sees them, and says so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.malformed_ids = []
        # Fields the record no longer lets anyone change are shown, not submitted (the model checks too).
        for name in getattr(self.instance, "fixed_fields", list)():
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = ROUND_FIXED_HELP if name == "round" else IDENTITY_FIXED_HELP
        if not self.is_bound:
            return
        data = self.data.copy()
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            key = self.add_prefix(name)
            values = data.getlist(key) if hasattr(data, "getlist") else [data.get(key)]
            given = [v for v in values if v not in (None, "")]
            kept = [v for v in given if valid_id(v) is not None]
            if len(kept) != len(given):
                self.malformed_ids.append(name)
                if hasattr(data, "setlist"):
                    data.setlist(key, kept)
                else:
                    data[key] = kept[0] if kept else ""
        self.data = data

    def clean(self):
        cleaned = super().clean()
        for name in self.malformed_ids:
            self.add_error(name, MALFORMED_ID)
        return cleaned


class ScopedChoicesForm(SafeIdsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .permissions import visible_persons, visible_units

        user = getattr(self, "for_user", None)
        if user is None:
            return
        if not may(user, "keep_payee_data"):
            # Not shown and not submitted: what the office entered stays as it is.
            for name in PAYEE_FIELDS:
                self.fields.pop(name, None)
        # Plain selects limited to visible rows, instead of choosers that would list every row.
        for name, visible in (("unit", visible_units), ("person", visible_persons)):
            if name in self.fields:
                field = self.fields[name]
                field.queryset = visible(user)
                field.widget = forms.Select(choices=field.choices)


def real_name(user) -> str:
    """A staff member's name as signed on paper (the user name when none is recorded)."""
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def staff_label(user) -> str:
    """A staff account as people know it: the real name, with the user name to tell namesakes apart."""
    name = f"{user.last_name}{user.first_name}".strip()
    return f"{name}（{user.get_username()}）" if name else user.get_username()


class RoundForm(SafeIdsForm):
    """Experts are chosen by their real names from the accounts with the 评审专家 role."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "experts" in self.fields:
            self.fields["experts"].label_from_instance = staff_label
            self.fields["experts"].queryset = self.fields["experts"].queryset.order_by("last_name", "first_name")
