import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.policy_import import PolicyImportError, import_policy

DEFAULT_SOURCE = Path(settings.BASE_DIR) / "content" / "policy" / "shizhong-2020-33.txt"


class Command(BaseCommand):
    help = "从纯文本或 Word 文档（.docx）导入（或更新）政策文件页面：印发通知、章、条、项。"

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(DEFAULT_SOURCE), help="政策文件：纯文本（.txt，UTF-8）或 Word 文档（.docx）"
        )
        parser.add_argument("--publish-date", help="发布日期 YYYY-MM-DD（默认取成文日期）")

    def handle(self, *args, path, publish_date=None, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"找不到文件：{source}")
        try:
            day = datetime.date.fromisoformat(publish_date) if publish_date else None
        except ValueError as exc:
            raise CommandError("发布日期格式应为 YYYY-MM-DD") from exc
        try:
            page, created = import_policy(source, publish_date=day)
        except PolicyImportError as exc:
            raise CommandError(f"导入失败：{exc}") from exc
        articles = len(page.articles())
        verb = "已创建" if created else "已更新"
        self.stdout.write(f"{verb}《{page.title}》（{page.document_number}）：{len(page.chapters)} 章，{articles} 条。")
