from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from home.models import PolicyPage
from home.policy_import import parse_policy

SOURCE = Path(settings.BASE_DIR) / "content" / "policy" / "shizhong-2020-33.txt"


@pytest.fixture(scope="module")
def parsed():
    return parse_policy(SOURCE.read_text(encoding="utf-8"))


def test_head_of_the_issuing_notice(parsed):
    assert parsed.document_number == "市中政办字〔2020〕33号"
    assert parsed.issuer == "市中区人民政府办公室"
    assert parsed.notice_title == "关于印发市中首席技师选拔管理办法的通知"
    assert parsed.addressee == "各镇人民政府，各街道办事处，区政府有关部门、企业："
    assert parsed.signature == "市中区人民政府办公室"
    assert parsed.written_date.isoformat() == "2020-12-30"
    assert parsed.disclosure_note == "（此件公开发布）"
    assert parsed.title == "市中首席技师选拔管理办法"


def test_six_chapters_seventeen_articles(parsed):
    assert [c["number"] for c in parsed.chapters] == [1, 2, 3, 4, 5, 6]
    assert [c["title"] for c in parsed.chapters] == ["总则", "选拔范围和条件", "选拔方法和程序", "待遇", "管理", "附则"]
    numbers = [a["number"] for c in parsed.chapters for a in c["articles"]]
    assert numbers == list(range(1, 18))


@pytest.mark.parametrize("number,count", [(7, 5), (9, 6), (12, 5), (13, 5), (14, 3), (15, 4)])
def test_items_kept(parsed, number, count):
    article = next(a for c in parsed.chapters for a in c["articles"] if a["number"] == number)
    assert len(article["items"]) == count
    assert all(item.startswith("（") for item in article["items"])


def test_sub_items_of_art_9_2_stay_with_their_item(parsed):
    art9 = next(a for c in parsed.chapters for a in c["articles"] if a["number"] == 9)
    item2 = art9["items"][1]
    assert item2.startswith("（二）组织推荐。")
    assert "1、市中首席技师申报表；" in item2
    assert "2、1000字左右的事迹材料；" in item2


def test_artefacts_dropped_text_kept_word_for_word(parsed):
    everything = repr(parsed)
    assert "bookmark" not in everything and "_Hlk" not in everything and "_GoBack" not in everything
    art1 = parsed.chapters[0]["articles"][0]["text"]
    assert "（枣政办字[2020]41号）" in art1 and "“人才强区”" in art1
    art4 = parsed.chapters[0]["articles"][3]["text"]
    assert art4 == "市中首席技师每2年评选1次，每次选拔不超过10人，管理期限为4年。"
    art17 = parsed.chapters[5]["articles"][1]
    assert art17["number"] == 17 and art17["text"] == "本办法由市中区人力资源和社会保障局负责解释。"
    assert parsed.effective_until.isoformat() == "2025-12-31"


def test_import_creates_page_with_anchors_and_reimport_updates_it(demo_site, client):
    page = PolicyPage.objects.get()
    index_number = page.index_number
    assert index_number.startswith("370402/2020-")
    html = client.get(page.url).content.decode()
    for n in range(1, 18):
        assert f'id="art-{n}"' in html
    assert "第十五条" in html and "第十七条" in html
    assert "市中政办字〔2020〕33号" in html
    assert "[bookmark" not in html

    call_command("import_policy", verbosity=0)
    call_command("import_policy", verbosity=0)
    assert PolicyPage.objects.count() == 1
    again = PolicyPage.objects.get()
    assert again.pk == page.pk and again.index_number == index_number
    assert len(again.articles()) == 17


def test_bad_file_is_refused_and_changes_nothing(db, tmp_path, demo_site):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.txt"
    bad.write_text("这不是一份规范性文件\n没有章节", encoding="utf-8")
    with pytest.raises(CommandError, match="导入失败"):
        call_command("import_policy", str(bad))
    assert PolicyPage.objects.count() == 1
