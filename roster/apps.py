from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "roster"
    verbose_name = "首席技师名册"
