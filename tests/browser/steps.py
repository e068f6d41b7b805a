"""Steps the browser journeys share: the admin sidebar, the entry page's status badge and its move forms."""

from playwright.sync_api import expect


def status_badge(page):
    return page.locator("#summary-h .roster-badge")


def take_move(page, label: str, fields: dict | None = None, confirm: bool = False) -> None:
    """Fills the fields of the move labelled `label` (found by their labels), presses its button, confirms
    it in the dialog when it ends the case, and waits for the Chinese sentence that reports it done."""
    move = page.locator(".roster-move").filter(has=page.get_by_role("button", name=label, exact=True))
    for field_label, value in (fields or {}).items():
        control = move.get_by_label(field_label)
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    move.get_by_role("button", name=label, exact=True).click()
    if confirm:
        page.locator("dialog#roster-confirm").get_by_role("button", name=f"确认{label}").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"的申报已办理“{label}”")).to_be_visible()


def record_inspection(page) -> None:
    """Records a field inspection with no objection found, from the entry page's 实地考察 section."""
    inspection = page.locator("section[aria-labelledby=inspection-h]")
    inspection.get_by_label("实地考察结果").select_option("no_objection")
    inspection.get_by_label("考察情况").fill("经实地考察，群众评价良好，无异议。")
    inspection.get_by_role("button", name="记录").click()
    page.wait_for_load_state()


def open_sidebar(page) -> None:
    """On a phone the sidebar starts closed: its toggle opens it."""
    toggle = page.get_by_role("button", name="切换侧边栏")
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def page_home(page):
    """Back to the dashboard by the sidebar's 控制面板 link."""
    open_sidebar(page)
    page.get_by_role("link", name="控制面板").click()
    return page


def menu(page, *labels: str) -> None:
    """Follows the admin sidebar: a group, then its item (or a top-level item)."""
    open_sidebar(page)
    sidebar = page.get_by_role("complementary", name="边栏")
    for label in labels:
        sidebar.get_by_role("link", name=label, exact=True).or_(
            sidebar.get_by_role("button", name=label, exact=True)
        ).first.click()
    page.wait_for_load_state()
