"""Test settings: fast hashing, a private cache per run, files in a temporary folder."""

import os
import tempfile
from pathlib import Path

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-6c0e1a7d"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The password history's own hasher is slow on purpose (a second per password); the tests need no such cost.
DPV_DEFAULT_HISTORY_HASHER = "portal.settings.test.FastHistoryHasher"


class FastHistoryHasher(PBKDF2PasswordHasher):
    iterations = 1000


_tmp = Path(tempfile.mkdtemp(prefix="portal-test-"))
MEDIA_ROOT = _tmp / "media"
PRIVATE_MEDIA_ROOT = _tmp / "private"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"},
}
if os.environ.get("REDIS_URL"):
    # `make test-redis`: the cache, rate-limit and page-cache tests again against a real Redis server.
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
