"""Restores an archive of backup_site into an empty, migrated database (docs/backup.md)."""

import time

from django.core.management.base import BaseCommand, CommandError

from sitebackup import backup


class Command(BaseCommand):
    help = (
        "从 backup_site 生成的 .tar.gz 恢复数据库和文件。只能恢复到空的、已运行 migrate 的数据库；"
        "恢复后重建全文检索索引。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup_site 生成的备份文件")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, path, database, **options):
        started = time.monotonic()
        try:
            counts = backup.restore_backup(path, using=database, log=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"恢复完成：{path}，用时 {time.monotonic() - started:.1f} 秒。各类记录数：")
        )
        self.stdout.write(backup.describe(counts))
