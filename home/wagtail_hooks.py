"""Registers the policy import with the Wagtail admin: its addresses and its menu item."""

from django.urls import path, reverse
from wagtail import hooks

from roster.menus import PowerMenuItem

from . import policy_admin


@hooks.register("register_admin_urls")
def policy_import_urls():
    return [
        path("policy/import/", policy_admin.policy_import, name="home_policy_import"),
        path("policy/import/preview/", policy_admin.policy_import_preview, name="home_policy_import_preview"),
        path("policy/import/confirm/", policy_admin.policy_import_confirm, name="home_policy_import_confirm"),
    ]


@hooks.register("register_admin_menu_item")
def policy_import_menu_item():
    # Next to 规则与日历 (order 250): a revision brings its text and then its rule set.
    return PowerMenuItem(
        policy_admin.TITLE, reverse("home_policy_import"), icon_name="upload", order=251, power="manage_rules"
    )
