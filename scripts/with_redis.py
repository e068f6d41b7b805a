"""Runs a command against Redis: the server REDIS_URL names, or else a throw-away redis-server (Debian's,
found or unpacked without root by scripts/ensure_redis.sh) on a free loopback port, stopped afterwards.

    python scripts/with_redis.py pytest -q tests/test_page_cache.py
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def redis_server():
    """Yields the URL of a fresh Redis server, stopped and removed on exit."""
    binary = subprocess.run(
        [str(ROOT / "scripts" / "ensure_redis.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()
    workdir = Path(tempfile.mkdtemp(prefix="portal-redis-"))
    port = _free_port()
    args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    args += ["--dir", str(workdir), "--logfile", str(workdir / "redis.log")]
    # The server is a service beside the app: it keeps the real clock when the tests run under a moved
    # one (libfaketime through LD_PRELOAD, `make test-moved-clock`).
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC")}
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                log = workdir / "redis.log"
                raise RuntimeError(
                    f"redis-server did not start: {log.read_text()[-500:] if log.exists() else '(no log)'}"
                )
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: with_redis.py COMMAND [ARGS…]", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if env.get("REDIS_URL"):
        return subprocess.call(argv, env=env)
    with redis_server() as url:
        env["REDIS_URL"] = url
        print(f"Redis 测试服务器已启动（{url}）", file=sys.stderr)
        return subprocess.call(argv, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
