"""The demo site: home, the policy, a 2024 round's notices; every notice marked 演示数据."""

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from .listings import publish_as_of
from .models import (
    CallNoticePage,
    HomePage,
    NoticeIndexPage,
    PolicyPage,
    PublicityNoticePage,
    ResultsNoticePage,
    RosterPage,
    SiteChrome,
)

OFFICE_ADDRESS = "枣庄市市中区人力资源和社会保障局（演示地址）"
OFFICE_PHONE = "0632-0000000"
OFFICE_EMAIL = "shouxi-demo@example.cn"


def today_midnight():
    """Today at 00:00 local time: the demo district notice counts today as its first day (SPEC §3)."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(0, 0)))


def ensure_home() -> HomePage:
    home = HomePage.objects.first()
    if home:
        return home
    root = Page.objects.get(depth=1)
    home = HomePage(
        title="市中首席技师选拔管理",
        slug="portal-home",
        intro="<p>枣庄市市中区首席技师选拔管理工作的政策文件、申报通知、公示和名单公布。</p>",
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site:
        site.root_page = home
        site.site_name = "市中首席技师"
        site.save()
    else:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    # Wagtail's initial placeholder page ("Welcome to your new Wagtail site!") is no longer needed.
    if old_root and old_root.specific_class is Page and old_root.depth == 2:
        old_root.delete()
    return home


def ensure_settings(site: Site) -> None:
    chrome = SiteChrome.for_site(site)
    if not chrome.address:
        chrome.address = OFFICE_ADDRESS
        chrome.phone = OFFICE_PHONE
        chrome.email = OFFICE_EMAIL
        chrome.site_code = "3704020000"
        chrome.icp_number = "鲁ICP备00000000号（演示）"
        chrome.police_record = "鲁公网安备 37040200000000号（演示）"
        chrome.save()


def publish(parent: Page, page: Page) -> Page:
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing:
        return existing.specific
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def publish_notice(parent: Page, page) -> Page:
    """A 公示 or 名单公布 listing what the roster holds now, published at 00:00 today; a draft when empty."""
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing:
        return existing.specific
    entries = list(page.entries_to_list())
    return publish_as_of(parent, page, today_midnight(), entries)


def policy_title(rules) -> str:
    """The title of the measures a rule set implements, as their policy page gives it."""
    page = PolicyPage.objects.filter(document_number=rules.document_number).first()
    return page.title if page else "市中首席技师选拔管理办法"


def call_page(round_) -> CallNoticePage:
    rules = round_.rule_set
    return CallNoticePage(
        title=f"关于开展{round_.year}年度市中首席技师选拔工作的通知（演示数据）",
        slug=f"call-{round_.year}",
        is_demo=True,
        round=round_,
        summary=f"{round_.year}年度市中首席技师选拔申报工作安排（演示数据）。",
        body=f"<p>根据《{policy_title(rules)}》（{rules.document_number}）{rules.cite('第九条')}，"
        f"现部署{round_.year}年度市中首席技师选拔申报工作。本年度选拔不超过{round_.quota}人，管理期限为"
        f"{rules.term_years}年，管理期间每人每月享受区政府津贴{rules.allowance_per_month}元。"
        f"申报截止日期为{round_.application_deadline.year}年{round_.application_deadline.month}月"
        f"{round_.application_deadline.day}日。</p>",
    )


def publicity_page(round_) -> PublicityNoticePage:
    return PublicityNoticePage(
        title=f"关于{round_.year}年度市中首席技师拟选拔人选的公示（演示数据）",
        slug=f"publicity-{round_.year}",
        is_demo=True,
        round=round_,
        level="district",
        summary=f"{round_.year}年度市中首席技师拟选拔人选公示（演示数据，人员均为虚构）。",
        body="<p>经单位推荐、资格审查和专家评审，现将拟选拔人选予以公示，公示期为"
        f"{round_.rule_set.district_publicity_days}个工作日。</p>",
        objection_address=OFFICE_ADDRESS,
        objection_phone=OFFICE_PHONE,
        objection_email=OFFICE_EMAIL,
    )


def results_page(round_, document_number: str) -> ResultsNoticePage:
    return ResultsNoticePage(
        title=f"关于公布{round_.year}年度市中首席技师名单的通知（演示数据）",
        slug=f"results-{round_.year}",
        is_demo=True,
        round=round_,
        document_number=document_number,
        summary=f"{round_.year}年度市中首席技师名单（演示数据，人员均为虚构）。",
        body=f"<p>经区人才工作领导小组研究、区政府同意，现将{round_.year}年度市中首席技师名单予以公布。</p>",
    )


def load_demo_site() -> dict:
    """The site's pages that belong to no round: home, 通知公告, 首席技师风采."""
    home = ensure_home()
    site = Site.objects.get(root_page=home)
    ensure_settings(site)
    index = publish(
        home,
        NoticeIndexPage(
            title="通知公告", slug="notices", show_in_menus=True, intro="<p>申报通知、公示和名单公布。</p>"
        ),
    )
    roster = publish(
        home,
        RosterPage(
            title="首席技师风采",
            slug="chief-technicians",
            show_in_menus=True,
            intro="<p>市中首席技师名单与先进事迹（演示数据，人员均为虚构）。</p>",
        ),
    )
    return {"home": home, "index": index, "roster": roster}


def publish_round_notices(
    index, round_, *, call_at, publicity_at, publicity_list, results_at, results_list, document_number
):
    """A round's call, 公示 and 名单公布, each published when it went out (None: not yet) and listing the
    entries it listed then. Pages already present are left as they are."""
    pages = {}
    now = timezone.now()
    for key, page, when, entries in (
        ("call", call_page(round_), call_at, None),
        ("publicity", publicity_page(round_), publicity_at, publicity_list),
        ("results", results_page(round_, document_number), results_at, results_list),
    ):
        existing = index.get_children().filter(slug=page.slug).first()
        if existing is not None:
            pages[key] = existing.specific
        elif when is not None and when <= now and (entries is None or entries):
            pages[key] = publish_as_of(index, page, when, entries or ())
    return pages


@transaction.atomic
def load_demo_content(round_=None) -> dict:
    """The site's pages and `round_`'s notices, published at 00:00 today (tests build on this); a 公示 or
    名单公布 with nothing to list stays a draft."""
    pages = load_demo_site()
    index = pages["index"]
    call = publish(index, call_page(round_))
    publicity = publish_notice(index, publicity_page(round_))
    results = publish_notice(index, results_page(round_, f"市中政办字〔{round_.year + 1}〕1号"))
    return {**pages, "call": call, "publicity": publicity, "results": results}
