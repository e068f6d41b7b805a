"""How a move reads in Wagtail's history views and reports (action roster.transition)."""

from wagtail.log_actions import LogFormatter

from workflow.states import state_label


class TransitionFormatter(LogFormatter):
    label = "状态变更"

    def format_message(self, log_entry):
        data = log_entry.data or {}
        text = f"{data.get('label', data.get('transition', ''))}：{state_label(data.get('from', ''))} → {state_label(data.get('to', ''))}"
        if data.get("article"):
            text += f"（{data['article']}）"
        if data.get("comment"):
            text += f"，说明：{data['comment']}"
        return text
