"""Two of Wagtail's account views, made safe: logging out only by POST, and a throttled password reset."""

from django.http import HttpResponseNotAllowed
from django_ratelimit.core import is_ratelimited
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.views import account

RESETS_PER_ADDRESS = "5/h"
RESETS_PER_EMAIL = "3/h"
RESETS_LIMITED = "找回密码的请求过于频繁，请一小时后再试，或联系区选拔管理工作办公室。"


class LogoutView(account.LogoutView):
    """Wagtail's view deletes the session cookie even when it refuses a GET; a link on another site could
    so sign staff out. Anything but POST is refused before the session is touched."""

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            refused = HttpResponseNotAllowed(["POST"], "请使用页面上的“退出登录”按钮退出。")
            refused["Content-Type"] = "text/plain; charset=utf-8"
            return refused
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(account.PasswordResetView):
    """At most RESETS_PER_ADDRESS requests from one client and RESETS_PER_EMAIL for one address an hour."""

    def post(self, request, *args, **kwargs):
        per_client = is_ratelimited(request, group="password-reset", key="ip", rate=RESETS_PER_ADDRESS, increment=True)
        per_email = is_ratelimited(
            request, group="password-reset-email", key="post:email", rate=RESETS_PER_EMAIL, increment=True
        )
        if per_client or per_email:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, RESETS_LIMITED)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)


class LoginForm(WagtailLoginForm):
    """Wagtail's login form; its password field has no label of its own, so Django showed "Password"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "密码"
