from wagtail import hooks
from wagtail.admin.ui.components import Component  # noqa: F401
from wagtail.log_actions import LogFormatter

from .services import LOG_ACTION


@hooks.register("register_log_actions")
def register_transition_action(actions):
    @actions.register_action(LOG_ACTION)
    class TransitionFormatter(LogFormatter):
        label = "状态变更"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            text = f"{data.get('label', data.get('transition', ''))}：{data.get('from', '')} → {data.get('to', '')}"
            if data.get("article"):
                text += f"（{data['article']}）"
            if data.get("comment"):
                text += f"，说明：{data['comment']}"
            return text
