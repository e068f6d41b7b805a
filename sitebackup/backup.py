"""Backup and restore of the whole site: the database and both file trees in one .tar.gz (docs/backup.md).

Archive layout (format 1)::

    db.json                 dumpdata of every table except sessions and the search index, primary keys kept
    files/media/...         MEDIA_ROOT (Wagtail documents, images and renditions)
    files/private/...       PRIVATE_MEDIA_ROOT (evidence and objection attachments)
    manifest.json           created_at, versions, applied migrations, rows per model, sha256 of every member

Restoring goes into an empty database migrated by the same code. Inside one transaction every table is
emptied -- the rows that the migrations created there (content types, permissions, groups, the 2020 rule
set, the Wagtail root page, site, collection, moderation workflow…) included -- and the dump is loaded,
so that every row, primary keys included, is the original's. Content types and permissions are dumped
and restored by primary key, like everything else: natural foreign keys are not used because Wagtail's
page natural key (url_path) cannot serialise the log entries of deleted pages (their page_id dangles on
purpose), and with the tables emptied first there is nothing for natural keys to reconcile.
"""

import datetime
import hashlib
import io
import json
import os
import platform
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import django
import wagtail
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.serializers import json as json_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from roster import audit, notify

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "db.json"
FILE_TREES = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}

# Never dumped: sessions are disposable; the search index (and SQLite's FTS table) is rebuilt by `update_index`.
EXCLUDED_APPS = {"sessions", "wagtailsearch"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes and times to milliseconds; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time) and not (
            isinstance(o, datetime.time) and timezone.is_aware(o)
        ):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(json_serializer.Serializer):
    """The `json_exact` dumpdata format: Django's JSON with full-precision times (loaded as plain json)."""

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = json_serializer.Deserializer
EXACT_FORMAT = "json_exact"


class BackupError(CommandError):
    """A refusal with a Chinese message; nothing has been changed. The commands re-raise it as CommandError."""


def file_root(tree: str) -> Path:
    return Path(getattr(settings, FILE_TREES[tree]))


def dumped_models(using: str = DEFAULT_DB_ALIAS) -> list:
    """The concrete, managed models whose rows the backup holds."""
    result = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        if meta.app_label in EXCLUDED_APPS:
            continue
        if router.allow_migrate_model(using, model):
            result.append(model)
    # Content types first: loading a Wagtail page looks its content type up (and would create it if absent).
    first = {"contenttypes": 0, "auth": 1}
    return sorted(result, key=lambda model: first.get(model._meta.app_label, 2))


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def row_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {model._meta.label: model._base_manager.using(using).count() for model in dumped_models(using)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tree_files(tree: str) -> list[tuple[str, Path]]:
    """(archive name, path) of every regular file in a tree; symlinks are not followed."""
    root = file_root(tree)
    if not root.is_dir():
        return []
    others = [file_root(t).resolve() for t in FILE_TREES if t != tree]
    found = []
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        # A tree nested in the other (e.g. PRIVATE_MEDIA_ROOT inside MEDIA_ROOT) is archived only once.
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in others)
        for name in sorted(filenames):
            path = here / name
            if path.is_file() and not path.is_symlink():
                found.append((f"files/{tree}/{path.relative_to(root).as_posix()}", path))
    return found


# --- backup -------------------------------------------------------------------------------------------


def create_backup(target: str | os.PathLike, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Writes the archive; refuses an existing path. Returns the manifest."""
    target = Path(target)
    if target.exists() or target.is_symlink():
        raise BackupError(f"文件“{target}”已存在，备份不会覆盖已有文件，请换一个文件名。")
    if not target.parent.is_dir():
        raise BackupError(f"目录“{target.parent}”不存在，请先创建。")

    with tempfile.TemporaryDirectory(prefix="portal-backup-") as workdir:
        dump = Path(workdir) / DUMP
        connection = connections[using]
        # One consistent snapshot of the database for the dump and the counts.
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if EXACT_FORMAT not in serializers.get_serializer_formats():
                serializers.register_serializer(EXACT_FORMAT, __name__)
            labels = [model._meta.label for model in dumped_models(using)]
            with open(dump, "w", encoding="utf-8") as stream:
                call_command(
                    "dumpdata",
                    *labels,
                    database=using,
                    use_base_manager=True,
                    format=EXACT_FORMAT,
                    verbosity=0,
                    stdout=stream,
                )
            counts = row_counts(using)
            migrations = applied_migrations(using)

        members = [(DUMP, dump)] + [item for tree in FILE_TREES for item in _tree_files(tree)]
        checksums = {name: _sha256(path) for name, path in members}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
            "python": platform.python_version(),
            "database": connection.vendor,
            "migrations": migrations,
            "counts": counts,
            "files": {tree: sum(1 for name, _ in members if name.startswith(f"files/{tree}/")) for tree in FILE_TREES},
            "sha256": checksums,
        }

        partial = Path(tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)[1])
        try:
            os.chmod(partial, 0o600)  # personal data and password hashes: readable by the owner only
            with tarfile.open(partial, "w:gz") as archive:
                for name, path in members:
                    archive.add(path, arcname=name, recursive=False)
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                archive.addfile(info, io.BytesIO(data))
            try:
                os.link(partial, target)  # fails if the target appeared meanwhile: never overwrites
            except FileExistsError:
                raise BackupError(f"文件“{target}”已存在，备份不会覆盖已有文件，请换一个文件名。") from None
            except OSError:
                if target.exists():
                    raise BackupError(f"文件“{target}”已存在，备份不会覆盖已有文件，请换一个文件名。") from None
                os.replace(partial, target)  # file systems without hard links
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# --- restore ------------------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_archive(source: str | os.PathLike, workdir: Path) -> dict:
    """Checks the archive completely and extracts it into workdir; returns the manifest."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件“{source}”不存在。")
    bad = f"“{source}”不是有效的备份文件"
    try:
        with tarfile.open(source, "r:gz") as archive:
            members = archive.getmembers()
            for member in members:
                if not (member.isfile() or member.isdir()) or not _safe_member_name(member.name):
                    raise BackupError(f"{bad}：包含不允许的条目“{member.name}”。")
            names = {m.name for m in members if m.isfile()}
            if MANIFEST not in names or DUMP not in names:
                raise BackupError(f"{bad}：缺少 {MANIFEST} 或 {DUMP}。")
            for member in members:
                if member.isfile():
                    archive.extract(member, workdir, set_attrs=False, filter="data")
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{bad}：无法读取压缩包（{exc}）。") from exc

    try:
        manifest = json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{bad}：清单 {MANIFEST} 无法解析。") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{bad}：不支持的备份格式（{manifest.get('format') if isinstance(manifest, dict) else '?'}）。"
        )
    checksums = manifest.get("sha256") or {}
    if set(checksums) != names - {MANIFEST}:
        raise BackupError(f"{bad}：文件清单与压缩包内容不一致。")
    for name, expected in checksums.items():
        if _sha256(workdir / name) != expected:
            raise BackupError(f"{bad}：“{name}”校验失败，文件已损坏。")
    try:
        rows = json.loads((workdir / DUMP).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{bad}：数据库导出 {DUMP} 无法解析。") from exc
    if not isinstance(rows, list):
        raise BackupError(f"{bad}：数据库导出格式错误。")
    return manifest


def database_content(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What makes a database not empty (Chinese descriptions); [] for a freshly migrated one."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page

    found = []
    users = get_user_model()._default_manager.using(using).count()
    if users:
        found.append(f"{users}个用户")
    for model in apps.get_app_config("roster").get_models():
        count = model._base_manager.using(using).count()
        if count:
            found.append(f"{count}条{model._meta.verbose_name}")
    # A migrated database holds the Wagtail root and the initial welcome page, both plain pages.
    pages = Page.objects.using(using).exclude(
        depth__lte=2, content_type__model="page", content_type__app_label="wagtailcore"
    )
    if pages.exists():
        found.append(f"{pages.count()}个网站页面")
    for model in (get_document_model(), get_image_model()):
        count = model._base_manager.using(using).count()
        if count:
            found.append(f"{count}个{model._meta.verbose_name}")
    return found


def _plan_files(workdir: Path) -> list[tuple[Path, Path]]:
    """(extracted, destination) of every archived file; refuses to replace a different existing file."""
    plan = []
    for tree in FILE_TREES:
        extracted_root = workdir / "files" / tree
        if not extracted_root.is_dir():
            continue
        for path in sorted(p for p in extracted_root.rglob("*") if p.is_file()):
            destination = file_root(tree) / path.relative_to(extracted_root)
            if destination.exists():
                if not destination.is_file() or _sha256(destination) != _sha256(path):
                    raise BackupError(f"目标位置已有不同的文件“{destination}”，为免覆盖，恢复已取消。")
                continue
            plan.append((path, destination))
    return plan


def _clear_tables(using: str) -> None:
    """Empties every table of the (empty, migrated) database: the rows that the migrations created go."""
    connection = connections[using]
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=False)
    connection.ops.execute_sql_flush(statements)


def restore_backup(
    source: str | os.PathLike, using: str = DEFAULT_DB_ALIAS, log: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Restores an archive into an empty, migrated database; returns the rows per model."""
    source = Path(source)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as tmp:
        workdir = Path(tmp)
        manifest = read_archive(source, workdir)

        theirs, ours = set(manifest.get("migrations", [])), set(applied_migrations(using))
        if theirs != ours:
            missing, extra = sorted(theirs - ours), sorted(ours - theirs)
            shown = "、".join((missing or extra)[:5]) + ("等" if len(missing or extra) > 5 else "")
            raise BackupError(
                f"当前数据库的迁移与备份时不一致（{'缺少' if missing else '多出'}：{shown}）。"
                "请用与备份时相同版本的代码新建数据库并运行 migrate，恢复后再升级代码并运行 migrate。"
            )
        content = database_content(using)
        if content:
            raise BackupError(
                "只能恢复到空的、已运行 migrate 的数据库，当前数据库已有数据（"
                + "，".join(content)
                + "）。请新建数据库后再恢复。"
            )
        plan = _plan_files(workdir)

        created: list[Path] = []
        try:
            # The loaded rows are no new events: nothing is logged, nobody is told (experts "assigned" again).
            with transaction.atomic(using=using), audit.suspended(), notify.quietly():
                _clear_tables(using)
                call_command("loaddata", str(workdir / DUMP), database=using, verbosity=0)
                counts = row_counts(using)
                expected = manifest.get("counts", {})
                wrong = [
                    f"{label}：应为{n}，实为{counts.get(label)}"
                    for label, n in expected.items()
                    if counts.get(label) != n
                ]
                if wrong:
                    raise BackupError("恢复后的记录数与备份清单不一致，已撤销：" + "；".join(wrong[:5]))
                for extracted, destination in plan:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(extracted, destination)
                    created.append(destination)
        except BackupError:
            _remove(created)
            raise
        except Exception as exc:
            _remove(created)
            raise BackupError(f"恢复失败，数据库与文件均未改变：{exc}") from exc

    # Ids changed under the process's caches: content types, Wagtail's site root paths, cached public pages.
    ContentType.objects.clear_cache()
    cache.clear()
    log("正在重建全文检索索引……")
    call_command("update_index", verbosity=0)
    counts["files:media"] = manifest["files"].get("media", 0)
    counts["files:private"] = manifest["files"].get("private", 0)
    return counts


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def describe(manifest_or_counts: dict[str, int]) -> str:
    return "\n".join(f"  {label}: {count}" for label, count in sorted(manifest_or_counts.items()) if count)
