"""Admin menu items that show only to those who hold the power their view checks."""

from wagtail.admin.menu import MenuItem

from workflow.powers import may


class PowerMenuItem(MenuItem):
    """Shown to those who hold the power its view checks (workflow.powers)."""

    def __init__(self, *args, power, **kwargs):
        super().__init__(*args, **kwargs)
        self.power = power

    def is_shown(self, request):
        return may(request.user, self.power)


class InboxMenuItem(MenuItem):
    """消息, with the number of unread messages in its label (the sidebar is drawn per request)."""

    def is_shown(self, request):
        return request.user.is_authenticated

    def render_component(self, request):
        from .views.inbox import unread_count

        component = super().render_component(request)
        count = unread_count(request.user)
        if count:
            component.label = f"{self.label}（{count}条未读）"
        return component
