"""Accessibility of the public portal in Chromium (issue 7, SPEC §8): axe-core on every public page type,
labelled form fields, and the keyboard path to the main content."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BLOCKING = {"serious", "critical"}


def public_pages(portal) -> dict[str, str]:
    return {
        "home": "/",
        "policy": "/policy-2020-33/",
        "policy (print)": "/policy-2020-33/print/",
        "notice index": "/notices/",
        "call": "/notices/call-2024/",
        "publicity (open)": "/notices/publicity-2024/",
        "publicity objection form": "/notices/publicity-2024/objection/",
        "results": "/notices/results-2024/",
        "roster": "/chief-technicians/",
        "profile": f"/chief-technicians/{portal['chief'].pk}/",
        "verify (form)": "/chief-technicians/verify/",
        "verify (result)": "/chief-technicians/verify/?number=SZSX-2024-001",
        "search": "/search/?q=津贴",
        "site map": "/site-map/",
        "objection lookup": "/objection-status/",
        "not found": "/no-such-page/",
    }


def test_axe_finds_no_serious_or_critical_violations(portal, page, record_property):
    report, blocking, unlabelled = {}, {}, {}
    for name, path in public_pages(portal).items():
        page.goto(path)
        violations = run_axe(page)
        report[name] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations]
        bad = [v for v in violations if v["impact"] in BLOCKING]
        if bad:
            blocking[name] = bad
        labels = [v for v in violations if v["id"] == "label"]
        if labels:
            unlabelled[name] = labels
    record_property("axe", json.dumps(report, ensure_ascii=False))
    print("axe violations per page type:", json.dumps(report, ensure_ascii=False, indent=1))
    assert not unlabelled, f"form fields without a label: {json.dumps(unlabelled, ensure_ascii=False, indent=1)}"
    assert not blocking, f"serious or critical axe violations: {json.dumps(blocking, ensure_ascii=False, indent=1)}"


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main(portal, page):
    for path in ("/", "/notices/publicity-2024/objection/", "/policy-2020-33/"):
        page.goto(path)
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent.trim()]")
        assert "skip-link" in focused[0], f"{path}: first Tab reached {focused}"
        assert page.evaluate("() => document.activeElement.getBoundingClientRect().height > 0"), "skip link not shown"
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main", path
        # The next Tab continues inside the main content, not back at the top of the page.
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)"), path


def test_the_objection_form_can_be_filled_and_sent_by_keyboard(portal, page):
    candidate = portal["candidate"]
    page.goto("/notices/publicity-2024/")
    page.get_by_role("link", name="网上提交异议").focus()
    page.keyboard.press("Enter")
    page.locator("form.objection-form [name=submitter_name]").focus()
    page.keyboard.type("王某某")
    page.keyboard.press("Tab")
    page.keyboard.type("0632-1234567")
    form = page.locator("form.objection-form")
    form.locator("select[name=entry]").select_option(str(candidate.pk))
    form.locator("[name=facts]").focus()
    page.keyboard.type("该人选所报获奖情况与事实不符，请予核实。")
    form.get_by_role("button", name="提交异议").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("受理编号")


def test_high_contrast_mode_keeps_every_text_above_the_aa_ratio(portal, page):
    """The 高对比度 mode (html.a11y-contrast): axe's colour-contrast rule (4.5:1) on the pages with state
    colours, an open 公示 window and the objection form's errors included."""
    failures = {}
    for path in ("/", "/notices/", "/notices/publicity-2024/", "/notices/results-2024/", "/chief-technicians/"):
        page.goto(path)
        page.evaluate("() => document.documentElement.classList.add('a11y-contrast')")
        contrast = [v for v in run_axe(page) if v["id"] == "color-contrast"]
        if contrast:
            failures[path] = [n["target"] for v in contrast for n in v["nodes"]]
    assert not failures, failures
