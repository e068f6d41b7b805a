"""What the portal tells its staff: the messages of each user's inbox, how each user wants each kind of
message delivered, the mails waiting to go out, and the scheduler's claimed runs (issue 13)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.TextChoices):
    """The kinds of message; each user chooses per kind how it comes (NotificationPreference)."""

    ENTRY_MOVED = "entry_moved", "本单位申报的每一步办理"
    SUBMITTED = "submitted", "新的申报上报"
    OBJECTION = "objection", "收到公示异议"
    REVOCATION = "revocation", "提出取消资格"
    LIST_SUBMITTED = "list_submitted", "名单提交领导小组研究"
    LIST_APPROVED = "list_approved", "领导小组研究通过"
    EXPERT_ASSIGNED = "expert_assigned", "被指定为评审专家"
    REVIEW_DUE = "review_due", "评审即将截止或已逾期"
    ALLOWANCE_COMPUTED = "allowance_computed", "津贴发放待审核批准"
    ALLOWANCE_APPROVED = "allowance_approved", "津贴发放已批准"
    WINDOW_ENDING = "window_ending", "公示期即将期满"
    TERM_ENDING = "term_ending", "管理期90天内届满"
    CALENDAR_MISSING = "calendar_missing", "下一年度工作日历尚未录入"


class Delivery(models.TextChoices):
    MAIL = "mail", "即时邮件"
    DIGEST = "digest", "每日摘要邮件"
    SMS = "sms", "短信"
    INBOX = "inbox", "仅站内消息"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField("类别", max_length=30, choices=Event.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    delivery = models.CharField("送达方式", max_length=10, choices=Delivery.choices, default=Delivery.INBOX)
    digested_at = models.DateTimeField("摘要发送时间", null=True, blank=True)
    # A reminder's identity (event, record, day): one message per recipient and key however often it runs.
    key = models.CharField("提醒标识", max_length=120, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], condition=~Q(key=""), name="one_reminder_per_key")
        ]

    def __str__(self):
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A user's choice of delivery per kind of message; a kind not chosen comes by mail at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField("类别", max_length=30, choices=Event.choices)
    delivery = models.CharField("送达方式", max_length=10, choices=Delivery.choices, default=Delivery.MAIL)

    class Meta:
        verbose_name = "消息提醒设置"
        verbose_name_plural = "消息提醒设置"
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event")]

    def __str__(self):
        return f"{self.get_event_display()}：{self.get_delivery_display()}"


class OutgoingMail(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        RETRYING = "retrying", "发送失败，等待重试"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    created_at = models.DateTimeField("生成时间", default=timezone.now, db_index=True)
    from_email = models.CharField("发件人", max_length=200)
    to = models.JSONField("收件人", default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField("主题", max_length=300)
    body = models.TextField("正文")
    html = models.TextField(blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_attempt_at = models.DateTimeField("最近尝试", null=True, blank=True)
    next_attempt_at = models.DateTimeField("下次重试", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    last_error = models.CharField("失败原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "邮件发送记录"
        verbose_name_plural = "邮件发送记录"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject


class ScheduledRun(models.Model):
    """A scheduled job claimed for its slot (a day, an hour): the row is the lock, so schedulers on
    several nodes run each job once per slot."""

    job = models.CharField("任务", max_length=40)
    slot = models.CharField("时段", max_length=20)
    claimed_at = models.DateTimeField("开始时间", default=timezone.now)
    node = models.CharField("节点", max_length=100, blank=True)

    class Meta:
        verbose_name = "定时任务运行记录"
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")]

    def __str__(self):
        return f"{self.job} {self.slot}"
