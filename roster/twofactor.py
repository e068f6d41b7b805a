"""Two-factor login for every staff account (等保 2.0 level 2), on django-otp: a TOTP app, and ten
single-use recovery codes. After the password, the admin asks for a code; an account without a
confirmed app is sent to set one up first. The office resets another user's second factor."""

from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from workflow.powers import may

from .audit import SecurityEvent, record_event

RECOVERY_CODES = 10
THROTTLED = "连续输入错误，请稍等几秒后再试（每错一次，等待时间加倍）。"
# Addresses an unverified user may still reach: signing in and out, and these pages themselves.
OPEN_PATHS = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/password_reset/",
    "/admin/jsi18n/",
    "/admin/sprite",
    "/admin/2fa/",
)


class SecondFactorRequired:
    """After django_otp.middleware.OTPMiddleware: every admin page needs a verified second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            getattr(settings, "TWO_FACTOR_REQUIRED", True)
            and request.path.startswith("/admin/")
            and not request.path.startswith(OPEN_PATHS)
            and user.is_authenticated
            and not user.is_verified()
        ):
            target = "roster_2fa_verify" if user_has_device(user) else "roster_2fa_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码或恢复码",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _throttled(user) -> bool:
    """django-otp doubles the wait after each wrong code; say so rather than call a right code wrong."""
    return any(not d.verify_is_allowed()[0] for d in devices_for_user(user) if hasattr(d, "verify_is_allowed"))


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("wagtailadmin_home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return reverse("wagtailadmin_home")
    return target


def _page(request, template_context):
    return TemplateResponse(request, "roster/admin/twofactor.html", {"next": _next(request), **template_context})


def verify(request):
    """The second step of signing in: a code from the app, or one recovery code (used up)."""
    user = request.user
    if not user.is_authenticated:
        return redirect("wagtailadmin_login")
    if not user_has_device(user):
        return redirect(f"{reverse('roster_2fa_setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _throttled(user):
        form.add_error("code", THROTTLED)
    elif request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = StaticToken.objects.filter(device=device).count()
                messages.warning(
                    request, f"已使用一个恢复码，还剩 {left} 个。恢复码用完前请联系区选拔管理工作办公室重置。"
                )
            return redirect(_next(request))
        form.add_error("code", "验证码不正确或已过期，请输入验证器应用中当前显示的6位数字，或一个未用过的恢复码。")
    return _page(request, {"title": "双因素认证", "form": form, "step": "verify"})


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="验证器应用", confirmed=False)


def setup(request):
    """First sign-in: scan the code into an authenticator app, confirm with one code, keep the recovery codes."""
    user = request.user
    if not user.is_authenticated:
        return redirect("wagtailadmin_login")
    if user_has_device(user):
        return redirect(f"{reverse('roster_2fa_verify')}?{urlencode({'next': _next(request)})}")
    device = _pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not device.verify_is_allowed()[0]:
        form.add_error("code", THROTTLED)
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            device.confirmed = True
            device.save()
            static, _ = StaticDevice.objects.get_or_create(user=user, name="恢复码")
            static.token_set.all().delete()
            codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
            StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
            otp_login(request, device)
            return _page(request, {"title": "双因素认证已启用", "codes": codes, "step": "codes"})
        form.add_error("code", "验证码不正确，请确认手机时间准确，并输入验证器应用中当前显示的6位数字。")
    qr = _svg(device.config_url)
    secret = b32encode(device.bin_key).decode()
    return _page(request, {"title": "启用双因素认证", "form": form, "step": "setup", "qr": qr, "secret": secret})


def _svg(data: str) -> str:
    """The QR code as inline SVG: one black path on a white square (quiet zone included), any theme."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return svg.replace(
        "<svg ", '<svg role="img" aria-label="双因素认证二维码" style="background:#fff;width:14rem;height:14rem" ', 1
    )


def reset(request, user_id):
    """The office removes another user's app and recovery codes; the user sets them up again at next sign-in."""
    if not may(request.user, "reset_second_factor"):
        raise PermissionDenied
    target = get_object_or_404(get_user_model(), pk=user_id)
    if request.method == "POST":
        for device in devices_for_user(target, confirmed=None):
            device.delete()
        record_event(
            SecurityEvent.Kind.SECOND_FACTOR_RESET, f"重置账号 {target.get_username()} 的双因素认证", request=request
        )
        messages.success(
            request, f"已重置 {target.get_full_name() or target.get_username()} 的双因素认证，其下次登录时须重新设置。"
        )
        return redirect("roster_2fa_accounts")
    return TemplateResponse(
        request,
        "roster/admin/twofactor_reset.html",
        {"target": target, "page_title": "重置双因素认证", "header_title": "重置双因素认证"},
    )


def accounts(request):
    """The office's list of staff accounts with the state of their second factor, each with a reset."""
    if not may(request.user, "reset_second_factor"):
        raise PermissionDenied
    users = get_user_model().objects.filter(is_active=True).exclude(password__startswith="!").order_by("username")
    confirmed = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [
        {
            "user": user,
            "roles": "、".join(g.name for g in user.groups.all()) or ("超级管理员" if user.is_superuser else "—"),
            "enabled": user.pk in confirmed,
        }
        for user in users.prefetch_related("groups")
    ]
    return TemplateResponse(
        request,
        "roster/admin/twofactor_accounts.html",
        {"rows": rows, "page_title": "账号双因素认证", "header_title": "账号双因素认证", "me": request.user.pk},
    )


def verified_client_session(client, user) -> None:
    """For in-process test clients (tests, bench) after `force_login`: the session counts as having
    passed the second factor, through a recovery-code device of the user's own."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device, _ = StaticDevice.objects.get_or_create(user=user, name="进程内客户端")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
