"""Staff sessions end after 30 minutes without a request and 8 hours after login, whatever the cookie says."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

STARTED, SEEN = "portal_login_at", "portal_seen_at"
# The last-seen time is written at most this often, so that a busy user's requests do not each write the session.
SEEN_RESOLUTION = 60
IDLE_MESSAGE = "超过{minutes}分钟未操作，已自动退出登录，请重新登录。"
MAX_MESSAGE = "本次登录已满{hours}小时，请重新登录。"


def _now() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[SEEN] = _now()


class SessionLimits:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._ended(request.session)
            if ended:
                logout(request)
                if request.path.startswith(reverse("wagtailadmin_home")):
                    messages.warning(request, ended)
                    login = reverse("wagtailadmin_login")
                    return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _ended(session) -> str | None:
        now = _now()
        started, seen = session.setdefault(STARTED, now), session.get(SEEN, now)
        if now - started > settings.SESSION_COOKIE_AGE:
            return MAX_MESSAGE.format(hours=settings.SESSION_COOKIE_AGE // 3600)
        if now - seen > settings.SESSION_IDLE_SECONDS:
            return IDLE_MESSAGE.format(minutes=settings.SESSION_IDLE_SECONDS // 60)
        if now - seen >= SEEN_RESOLUTION or SEEN not in session:
            session[SEEN] = now
        return None
