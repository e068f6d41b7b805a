class TransitionRefused(Exception):
    """A transition that may not happen: `reason` in Chinese, `article` such as "第九条第二项" (or "")."""

    def __init__(self, reason: str, article: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.article = article

    def __str__(self):
        return f"{self.reason}（{self.article}）" if self.article else self.reason


class CalendarUnknown(Exception):
    """The official calendar of a year is not known (neither the package nor the office has it)."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"缺少{year}年的官方节假日和调休安排，无法计算工作日。请在管理后台“工作日历”中录入国务院办公厅公布的{year}年安排。"
        )
