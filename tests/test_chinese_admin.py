"""Chinese wherever staff look (issue 15): every admin page each role reaches by following links from
its dashboard is read, and English UI text fails the test (a short allow-list aside: user names, file
names, numbers, and a few terms staff use as they are)."""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup

from tests.factories import EntryFactory, UnitFactory, UserFactory
from workflow import roles
from workflow.states import Status

S = Status
pytestmark = [pytest.mark.django_db, pytest.mark.walk]

# Words staff read as they are: file types, the certificate number's prefix, units and brand names.
ALLOWED = {
    "PDF",
    "JPEG",
    "JPG",
    "PNG",
    "SVG",
    "XLSX",
    "DOCX",
    "CSV",
    "Excel",
    "Word",
    "TOTP",
    "SZSX",
    "A4",
    "QR",
    "Atom",
    "RSS",
    "URL",
    "HTML",
    "ID",
    "MB",
    "KB",
    "GB",
    "Wagtail",
    "AVIF",
    "GIF",
    "WEBP",
    "TXT",
    "ICP",
}
# Addresses, e-mail addresses and file names are data, not UI text.
DATA = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|[\w./-]+\.(docx|xlsx|pdf|txt|png|jpe?g|csv)\b|SZSX-[\w-]*")
# Links the crawler never follows: they change state, leave the admin or download a file.
SKIP = re.compile(
    r"/logout/|/delete/|/unpublish/|/revisions/.*/revert|/lock/|/unlock/|/copy/|/move/|/2fa/reset/|"
    r"\.(xlsx|docx|csv|pdf)|/download|/export|/evidence/|/revocation-files/|/attachment/|/preview|/workflow/|"
    r"/password|/bulk/|/choose|/chooser|/autocomplete|/usage/|/compare/|/history/results|/results/|"
    r"/site-history/csv|/account/|/snippets/.+/history/\d+/|/sites/"
)
MAX_PAGES = 120
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-w-tooltip-content-value")


def english(html: str, allowed: set[str]) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "template", "noscript", "code"]):
        tag.decompose()
    # Elements the page hides (a counter Wagtail fills in later, for instance) are not read by anyone.
    for tag in soup.find_all(attrs={"hidden": True}):
        tag.decompose()
    texts = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        texts.extend(str(tag.get(a)) for a in ATTRIBUTES if tag.get(a))
        if tag.name == "input" and tag.get("type") in ("submit", "button") and tag.get("value"):
            texts.append(tag["value"])
    found = set()
    for text in texts:
        for word in WORD.findall(DATA.sub(" ", text)):
            if word not in allowed and word.upper() not in allowed and word.lower() not in allowed:
                found.add(word)
    return found


def crawl(client, allowed) -> dict[str, set[str]]:
    seen, queue, report = set(), deque(["/admin/"]), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        words = english(html, allowed)
        if words:
            report[url] = words
        soup = BeautifulSoup(html, "html.parser")
        # The sidebar menu is drawn by script from JSON: its addresses are followed too.
        menu = re.findall(r'"url": "(/admin/[^"]*)"', html)
        for href in [a["href"] for a in soup.find_all("a", href=True)] + menu:
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if parsed.netloc or not parsed.path.startswith("/admin/") or SKIP.search(href):
                continue
            # One address per view: sorting and paging show the same words; a status filter may not.
            key = parsed.path + (
                f"?{parsed.query}" if "status=" in parsed.query and "ordering" not in parsed.query else ""
            )
            if key not in seen and len(seen) + len(queue) < MAX_PAGES * 3:
                queue.append(key)
    return report


@pytest.mark.parametrize(
    "role", [roles.OFFICE, roles.RECOMMENDER, roles.EXPERT, roles.LEADING_GROUP, roles.EDITOR, roles.FINANCE]
)
def test_no_english_on_any_admin_page_a_role_reaches(client, demo_site, role):
    unit = UnitFactory(name="测试机床厂")
    round_ = demo_site["call"].round
    for status in (S.DRAFT, S.SUBMITTED, S.QUALIFIED, S.DISTRICT_PUBLICITY, S.ACTIVE):
        EntryFactory(status=status, unit=unit, round=round_)
    user = UserFactory(role=role, unit=unit if role == roles.RECOMMENDER else None, first_name="员", last_name="测")
    if role == roles.EXPERT:
        round_.experts.add(user)
    client.force_login(user)
    allowed = ALLOWED | {user.username, "user", "example", "cn"}
    report = crawl(client, allowed)
    assert not report, "\n".join(f"{url}: {sorted(words)}" for url, words in sorted(report.items()))


def test_the_sign_in_pages_and_the_editors_script_strings_are_chinese(client, office):
    for url in ("/admin/login/", "/admin/password_reset/"):
        assert not english(client.get(url).content.decode(), ALLOWED), url
    client.force_login(office)
    # A filter or search that finds nothing.
    for url in ("/admin/snippets/roster/entry/?status=revoked", "/admin/pages/search/?q=没有这个词"):
        assert not english(client.get(url).content.decode(), ALLOWED | {office.username}), url
    catalogue = client.get("/admin/jsi18n/").content.decode()
    for text in ("插入内容块", "输入内容，或键入“/”插入内容块", "（此菜单有 %(number)s 个新项目）"):
        assert json_escaped(text) in catalogue, text


def json_escaped(text: str) -> str:
    import json

    return json.dumps(text)[1:-1]
