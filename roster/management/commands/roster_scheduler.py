"""The scheduler: enqueues each scheduled job (roster.reminders.JOBS) at its set time for the task
worker (`manage.py db_worker --queue-name portal`). Run one on every node if you like: each job's slot
is claimed in the shared database, so it is enqueued once however many schedulers run."""

import socket

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, transaction

from roster.reminders import JOBS, enqueue_job


class Command(BaseCommand):
    help = "定时调度：按设定时间将每日任务、截止提醒和每日摘要交给后台任务执行。多个节点同时运行时每个时段只执行一次。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            nargs="+",
            metavar="任务",
            help=f"立即为当前时段排队这些任务后退出（{'、'.join(JOBS)}）；已排过的时段不会重复。",
        )

    def handle(self, *args, now=None, **options):
        node = socket.gethostname()
        if now:
            unknown = [name for name in now if name not in JOBS]
            if unknown:
                raise CommandError(f"未知的任务：{'、'.join(unknown)}。可用：{'、'.join(JOBS)}")
            for name in now:
                self._fire(name, node)
            return
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        for name, (_task, cron, _slot, label) in JOBS.items():
            scheduler.add_job(
                self._fire,
                CronTrigger(**cron, timezone=settings.TIME_ZONE),
                args=(name, node),
                id=name,
                name=label,
                misfire_grace_time=3600,
                coalesce=True,
            )
            self.stdout.write(f"已安排：{label}（{name}）")
        scheduler.start()

    def _fire(self, name: str, node: str) -> None:
        close_old_connections()
        with transaction.atomic():
            claimed = enqueue_job(name, node)
        label = JOBS[name][3]
        self.stdout.write(f"{label}：{'已排队' if claimed else '本时段已由其他调度器排队，跳过'}")
