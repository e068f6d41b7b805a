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
