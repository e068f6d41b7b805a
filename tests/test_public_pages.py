import datetime

import pytest
import time_machine
from wagtail.models import Page

from home.models import PolicyPage, PublicityNoticePage
from tests import clock


def test_every_page_type_renders_for_the_public(demo_site, client):
    for key in ("home", "policy", "index", "call", "publicity", "results"):
        page = demo_site[key]
        response = client.get(page.url)
        assert response.status_code == 200, key
        html = response.content.decode()
        assert '<html lang="zh-hans">' in html
        assert html.count("<h1") == 1, key
    printable = client.get(demo_site["policy"].url + "print/")
    assert printable.status_code == 200 and "打印" in printable.content.decode()


def test_demo_notices_are_marked(demo_site, client):
    for key in ("call", "publicity", "results"):
        assert "演示数据" in client.get(demo_site[key].url).content.decode()


def test_drafts_are_not_public(demo_site, client):
    index = demo_site["index"]
    draft = PublicityNoticePage(
        title="未发布的公示", slug="draft-publicity", live=False, level="district", round=demo_site["publicity"].round
    )
    index.add_child(instance=draft)
    assert client.get(draft.url or "/notices/draft-publicity/").status_code == 404
    listing = client.get(index.url).content.decode()
    assert "未发布的公示" not in listing
    assert "未发布的公示" not in client.get("/feed/").content.decode()


@pytest.mark.parametrize(
    "day,expected",
    [
        (datetime.datetime(2025, 12, 31, 23, 59, tzinfo=clock.SHANGHAI), "有效"),
        (datetime.datetime(2026, 1, 1, 0, 0, 1, tzinfo=clock.SHANGHAI), "已失效"),
    ],
)
def test_validity_follows_article_16(demo_site, client, day, expected):
    with time_machine.travel(day, tick=False):
        page = PolicyPage.objects.get()
        assert page.validity == expected
        html = client.get(page.url).content.decode()
        assert f'">{expected}</strong>' in html


def test_disclosure_metadata_shown(demo_site, client):
    html = client.get(demo_site["policy"].url).content.decode()
    for label in ("索引号", "发文机关", "文号", "成文日期", "发布日期", "主题分类", "有效性"):
        assert f'<th scope="row">{label}</th>' in html
    assert "2020年12月30日" in html


def test_index_number_never_changes(demo_site):
    page = PolicyPage.objects.get()
    original = page.index_number
    page.publish_date = datetime.date(2021, 1, 5)
    page.save()
    page.refresh_from_db()
    assert page.index_number == original


@pytest.mark.parametrize("query,expected_title", [("津贴", "市中首席技师选拔管理办法"), ("公示", "拟选拔人选的公示")])
def test_chinese_search_finds_words_inside_text(demo_site, client, query, expected_title):
    html = client.get("/search/", {"q": query}).content.decode()
    assert expected_title in html
    assert "共找到 0 条" not in html


def test_search_without_match_says_so(demo_site, client):
    html = client.get("/search/", {"q": "火箭发射"}).content.decode()
    assert "共找到 0 条结果" in html


def test_notice_index_paginates(demo_site, client):
    from home.models import CallNoticePage

    index = demo_site["index"]
    for i in range(12):
        page = CallNoticePage(title=f"测试公告{i}", slug=f"test-{i}", round=demo_site["call"].round)
        index.add_child(instance=page)
        page.save_revision().publish()
    first = client.get(index.url).content.decode()
    assert "第 1 页，共 2 页" in first
    second = client.get(index.url, {"page": 2}).content.decode()
    assert "第 2 页，共 2 页" in second
    assert client.get(index.url, {"page": "x"}).status_code == 200


def test_sitemap_feed_and_site_map(demo_site, client):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/policy-2020-33/" in sitemap and "/notices/publicity-2024/" in sitemap
    feed = client.get("/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "【公示】" in body and "【申报通知】" in body and "【名单公布】" in body
    site_map = client.get("/site-map/").content.decode()
    assert "市中首席技师选拔管理办法" in site_map and "通知公告" in site_map


def test_footer_from_site_settings(demo_site, client):
    html = client.get("/").content.decode()
    for text in (
        "主办单位",
        "承办单位",
        "联系方式",
        "网站标识码",
        "ICP备",
        "公网安备",
        "网站地图",
        "网站纠错",
        "党政机关网站标识",
    ):
        assert text in html
    assert "大字号" in html and "高对比度" in html


def test_breadcrumbs_on_notice(demo_site, client):
    html = client.get(demo_site["publicity"].url).content.decode()
    assert 'aria-label="当前位置"' in html and ">通知公告</a>" in html


def test_no_external_resources(demo_site, client):
    import re

    for key in ("home", "policy", "publicity"):
        html = client.get(demo_site[key].url).content.decode()
        for src in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
            assert src.startswith("http://testserver") or "mailto" in src, src
        assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', html)


def test_home_lists_latest_notices(demo_site, client):
    html = client.get("/").content.decode()
    assert html.index("拟选拔人选的公示") > 0
    assert "《市中首席技师选拔管理办法》" in html
    assert Page.objects.live().count() >= 6


def test_the_policy_has_a_table_of_contents_by_article(demo_site, client):
    from bs4 import BeautifulSoup

    html = client.get(demo_site["policy"].url).content.decode()
    toc = BeautifulSoup(html, "html.parser").select_one("nav.toc")
    links = [a["href"] for a in toc.find_all("a")]
    articles = [h for h in links if h.startswith("#art-")]
    assert len(articles) == len(demo_site["policy"].articles()) == 17
    assert "#art-15" in articles and toc.find("a", href="#art-15").text == "第十五条"
    # Each entry leads to the article's anchor on the same page.
    assert all(f'id="{h[1:]}"' in html for h in articles)


def test_notices_filter_by_type_and_year_and_pages_keep_the_filter(demo_site, client):
    from django.utils import timezone

    from home.models import CallNoticePage

    index = demo_site["index"]
    for i in range(11):
        page = CallNoticePage(title=f"筛选测试通知{i}", slug=f"filter-{i}", round=demo_site["call"].round)
        index.add_child(instance=page)
        page.save_revision().publish()
    year = timezone.now().year
    calls = client.get(index.url, {"type": "call", "year": year}).content.decode()
    assert "筛选测试通知10" in calls and demo_site["publicity"].title not in calls
    assert f'href="?type=call&amp;year={year}&amp;page=2"' in calls
    publicity = client.get(index.url, {"type": "publicity"}).content.decode()
    assert demo_site["publicity"].title in publicity and "筛选测试通知" not in publicity
    none = client.get(index.url, {"year": "1999"}).content.decode()
    assert "没有符合筛选条件的通知公告" in none
    assert client.get(index.url, {"type": "x", "year": "abc"}).status_code == 200
