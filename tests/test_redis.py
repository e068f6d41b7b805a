"""The Redis mode README documents, against a real redis-server started by the project's scripts
(scripts/ensure_redis.sh): the client is installed, and the rate limits and the page cache live there."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.core.cache import cache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def redis_url():
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    spec = importlib.util.spec_from_file_location("with_redis", ROOT / "scripts" / "with_redis.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with module.redis_server() as url:
        yield url


@pytest.fixture
def redis_cache(redis_url, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
    }
    cache.clear()
    yield redis.Redis.from_url(redis_url)
    cache.clear()


def test_the_documented_settings_with_redis_url_work_on_the_first_cache_call(redis_url):
    code = (
        "from django.core.cache import caches; cache = caches['default']; cache.set('probe', 41); "
        "print(type(cache).__name__, cache.incr('probe'))"
    )
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "portal.settings.dev"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["RedisCache", "42"]


@pytest.mark.django_db
def test_rate_limits_and_public_pages_are_kept_in_redis(redis_cache, demo_site, client):
    roster = demo_site["roster"]
    for _ in range(10):
        assert client.get(f"{roster.url}verify/?number=SZSX-1999-001").status_code == 200
    assert client.get(f"{roster.url}verify/?number=SZSX-1999-001").status_code == 429
    assert client.get(demo_site["policy"].url)["X-Portal-Cache"] == "miss"
    assert client.get(demo_site["policy"].url)["X-Portal-Cache"] == "hit"
    keys = [key.decode() for key in redis_cache.keys("*")]
    assert any("certificate-verify" in key or "rl:" in key for key in keys), keys
    assert len(keys) >= 2
    # Another process (a second app node) reads the same counters: flush them and the quota is back.
    redis_cache.flushdb()
    assert client.get(f"{roster.url}verify/?number=SZSX-1999-001").status_code == 200
