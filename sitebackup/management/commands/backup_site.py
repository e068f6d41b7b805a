"""Writes one .tar.gz with the whole database and both file trees (docs/backup.md)."""

import time

from django.core.management.base import BaseCommand, CommandError

from sitebackup import backup


class Command(BaseCommand):
    help = "备份整个网站：数据库（dumpdata JSON）、MEDIA_ROOT 与 PRIVATE_MEDIA_ROOT 中的文件和清单，写入一个 .tar.gz 文件。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径，例如 /var/backups/portal/site-20250101.tar.gz（不得已存在）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, path, database, **options):
        started = time.monotonic()
        try:
            manifest = backup.create_backup(path, using=database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["counts"].values())
        files = manifest["files"]
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{path}\n"
                f"  数据库记录 {rows} 条，公开文件 {files['media']} 个，私有文件 {files['private']} 个，"
                f"用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
        if options["verbosity"] > 1:
            self.stdout.write(backup.describe(manifest["counts"]))
