"""Registers the roster with Wagtail: viewsets, admin addresses, row rules, menus, history, dashboard."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton
from wagtail.permissions import register_permission_policy

from workflow.powers import may

from . import admin_urls
from .dashboard import RosterPanel
from .history import TransitionFormatter
from .menus import InboxMenuItem, PowerMenuItem
from .models import Entry, Person, Round, Unit
from .permissions import RowPermissionPolicy
from .services import LOG_ACTION
from .viewsets import RosterGroup

for _model in (Entry, Person, Round, Unit):
    register_permission_policy(_model, RowPermissionPolicy(_model))


@hooks.register("insert_global_admin_css")
def roster_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/roster-admin.css"))


@hooks.register("register_log_actions")
def register_transition_action(actions):
    actions.register_action(LOG_ACTION)(TransitionFormatter)


@hooks.register("register_admin_viewset")
def register_roster():
    return RosterGroup()


@hooks.register("register_admin_urls")
def roster_urls():
    return [path("", include(admin_urls))]


@hooks.register("register_admin_menu_item")
def traceability_menu_item():
    return PowerMenuItem(
        "条款与规则对照", reverse("roster_traceability"), icon_name="list-ul", order=260, power="view_traceability"
    )


@hooks.register("register_admin_menu_item")
def allowance_menu_item():
    return PowerMenuItem(
        "津贴发放", reverse("roster_allowance_runs"), icon_name="table", order=240, power="view_allowance"
    )


@hooks.register("register_admin_menu_item")
def objections_menu_item():
    return PowerMenuItem(
        "异议处理", reverse("roster_objections"), icon_name="warning", order=235, power="decide_objection"
    )


@hooks.register("register_admin_menu_item")
def talent_pool_menu_item():
    return PowerMenuItem(
        "导出首席技师名册", reverse("roster_talent_pool"), icon_name="download", order=245, power="export_roster"
    )


@hooks.register("construct_homepage_panels")
def roster_dashboard(request, panels):
    if may(request.user, "see_dashboard"):
        panels.append(RosterPanel(request))


@hooks.register("register_admin_menu_item")
def statistics_menu_item():
    return PowerMenuItem(
        "统计分析", reverse("roster_statistics"), icon_name="table", order=255, power="view_statistics"
    )


@hooks.register("register_reports_menu_item")
def access_log_menu_item():
    return PowerMenuItem(
        "个人信息访问记录", reverse("roster_access_log"), icon_name="view", order=1100, power="view_audit_log"
    )


@hooks.register("register_reports_menu_item")
def security_log_menu_item():
    return PowerMenuItem(
        "安全事件记录", reverse("roster_security_log"), icon_name="lock", order=1110, power="view_audit_log"
    )


# Reports about the CMS itself (page model names, workflow internals, pages by last editor): for the
# superuser who runs the site, not for the portal's staff.
CMS_REPORTS = {"page-types-usage", "workflows", "workflow-tasks", "aging-pages"}


@hooks.register("construct_reports_menu")
def site_history_for_whom_it_is(request, menu_items):
    if not may(request.user, "view_site_history"):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in CMS_REPORTS]


@hooks.register("register_admin_menu_item")
def accounts_menu_item():
    return PowerMenuItem(
        "账号双因素认证", reverse("roster_2fa_accounts"), icon_name="lock", order=265, power="reset_second_factor"
    )


@hooks.register("register_user_listing_buttons")
def reset_second_factor_button(user, request_user):
    if may(request_user, "reset_second_factor") and user.pk != request_user.pk:
        yield ListingButton("重置双因素认证", reverse("roster_2fa_reset", args=(user.pk,)), priority=60)


@hooks.register("register_admin_menu_item")
def inbox_menu_item():
    return InboxMenuItem("消息", reverse("roster_inbox"), icon_name="mail", order=50)


@hooks.register("register_reports_menu_item")
def mail_log_menu_item():
    return PowerMenuItem("邮件发送记录", reverse("roster_mail_log"), icon_name="mail", order=1120, power="see_mail_log")
