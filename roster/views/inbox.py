"""Each staff member's messages (issue 13): the inbox with its unread count, opening a message (which
marks it read and leads to its record), the choice of delivery per kind of message, and for the office
the record of outgoing mail with a way to send a failed one again."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from roster import mail, notify
from roster.inbox import Delivery, Notification, NotificationPreference, OutgoingMail
from roster.models import StaffProfile
from workflow.powers import may


def _mine(request):
    if not request.user.is_authenticated:
        raise PermissionDenied
    return Notification.objects.filter(recipient=request.user)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(request):
    notifications = _mine(request)
    show = request.GET.get("show", "unread")
    if show == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    else:
        show = "all"
    page = Paginator(notifications, 30).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "roster/admin/inbox.html",
        {
            "page_obj": page,
            "show": show,
            "unread": unread_count(request.user),
            "page_title": "消息",
            "header_icon": "mail",
        },
    )


def inbox_open(request, pk):
    notification = get_object_or_404(_mine(request), pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/"):
        return redirect(target)
    return redirect("roster_inbox")


@require_POST
def inbox_read_all(request):
    count = _mine(request).filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, f"已将{count}条消息标为已读。")
    return redirect("roster_inbox")


class PreferenceForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = dict(NotificationPreference.objects.filter(user=user).values_list("event", "delivery"))
        has_number = bool(StaffProfile.objects.filter(user=user).exclude(mobile="").exists())
        choices = [c for c in Delivery.choices if c[0] != Delivery.SMS or has_number]
        for event in notify.events_for(user):
            self.fields[event.value] = forms.ChoiceField(
                label=event.label, choices=choices, initial=chosen.get(event.value, Delivery.MAIL)
            )
        self.has_number = has_number


def inbox_settings(request):
    _mine(request)
    form = PreferenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        for event, delivery in form.cleaned_data.items():
            NotificationPreference.objects.update_or_create(
                user=request.user, event=event, defaults={"delivery": delivery}
            )
        messages.success(request, "消息提醒设置已保存。")
        return redirect("roster_inbox_settings")
    return TemplateResponse(
        request,
        "roster/admin/inbox_settings.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "page_title": "消息提醒设置",
            "header_icon": "cog",
        },
    )


def _mail_log_access(user):
    if not may(user, "see_mail_log"):
        raise PermissionDenied


STATE_FILTER = [("", "全部"), *OutgoingMail.State.choices]


def mail_log(request):
    _mail_log_access(request.user)
    mails = OutgoingMail.objects.all()
    state = request.GET.get("state", "")
    if state in OutgoingMail.State.values:
        mails = mails.filter(state=state)
    else:
        state = ""
    failing = OutgoingMail.objects.filter(state__in=[OutgoingMail.State.FAILED, OutgoingMail.State.RETRYING]).count()
    return TemplateResponse(
        request,
        "roster/admin/mail_log.html",
        {
            "page_obj": Paginator(mails, 50).get_page(request.GET.get("p")),
            "state": state,
            "states": STATE_FILTER,
            "failing": failing,
            "page_title": "邮件发送记录",
            "header_icon": "mail",
        },
    )


@require_POST
def mail_resend(request, pk):
    _mail_log_access(request.user)
    outgoing = get_object_or_404(OutgoingMail, pk=pk)
    if outgoing.state == OutgoingMail.State.SENT:
        messages.error(request, "该邮件已发送，无需重新发送。")
    else:
        mail.resend(outgoing)
        messages.success(request, f"已重新安排发送：{outgoing.subject}")
    return redirect("roster_mail_log")
