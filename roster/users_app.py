"""Wagtail's users app with the office's account forms (roster.accounts): INSTALLED_APPS names this in
place of wagtail.users. A module of its own, so that Django still picks RosterConfig for "roster"."""

from wagtail.users.apps import WagtailUsersAppConfig


class StaffUsersConfig(WagtailUsersAppConfig):
    user_viewset = "roster.accounts.StaffUserViewSet"
