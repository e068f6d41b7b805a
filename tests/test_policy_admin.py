"""Revising the measures without a programmer (issue “The next round under a revised measure”, part 2):
the office uploads a revision (.txt or .docx) in the admin, previews what was read and confirms; a text
that cannot be read is refused naming its line; policy pages are not copied; articles edited by hand
need no empty item and are refused in Chinese."""

import html
import io
import json
import re
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from home.models import ArticleBlock, ChapterBlock, PolicyPage
from tests.test_revision import REVISED_NUMBER, revised_text

pytestmark = pytest.mark.django_db
SOURCE = Path(settings.BASE_DIR) / "content" / "policy" / "shizhong-2020-33.txt"
IMPORT = "home_policy_import"


def upload(client, name, content: bytes):
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile(name, content)})


def as_docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def confirm(client):
    preview = client.get(reverse("home_policy_import_preview"))
    assert preview.status_code == 200
    return client.post(reverse("home_policy_import_confirm"), {"digest": preview.context["digest"]})


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def no_latin(text: str) -> bool:
    return not re.search(r"[A-Za-z]{3,}", text)


# --- importing a revision ---


def test_the_office_previews_a_revision_then_saves_it_as_a_draft(demo_site, client, office):
    client.force_login(office)
    assert reverse(IMPORT) in client.get(reverse("wagtailadmin_home")).content.decode()  # the menu item
    assert client.get(reverse(IMPORT)).status_code == 200

    response = upload(client, "revised.txt", revised_text().encode())
    assert response.status_code == 302 and response["Location"] == reverse("home_policy_import_preview")
    preview = client.get(response["Location"]).content.decode()
    for shown in (REVISED_NUMBER, "市中首席技师选拔管理办法", "2026年3月2日", "2030年12月31日", "6章，18条"):
        assert shown in preview
    assert "第四条" in preview and "市中首席技师选拔工作坚持德技并修" in preview  # numbers and first words
    assert "第十八条" in preview and "新建" in preview and "还没有规则集" in preview
    assert PolicyPage.objects.count() == 1  # nothing saved before confirming

    response = confirm(client)
    page = PolicyPage.objects.get(document_number=REVISED_NUMBER)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_pages:edit", args=(page.pk,))
    (message,) = flashed(response)
    assert (
        "草稿" in message and "核对" in message and "发布" in message and no_latin(message.replace(REVISED_NUMBER, ""))
    )
    assert not page.live and page.slug == "policy-2026-8"
    draft = page.get_latest_revision_as_object()
    assert [a["number"] for a in draft.articles()] == list(range(1, 19))
    assert "不超过12人" in draft.articles()[4]["text"]
    assert client.get(response["Location"]).status_code == 200
    assert demo_site["policy"].slug == "policy-2020-33"  # the 2020 page keeps its address

    # a second confirmation of the same preview does nothing
    again = client.post(reverse("home_policy_import_confirm"), {"digest": "x"})
    assert again["Location"] == reverse(IMPORT) and PolicyPage.objects.count() == 2


def test_a_docx_is_read_paragraph_by_paragraph_like_the_text(demo_site, client, office, tmp_path):
    client.force_login(office)
    response = upload(client, "修订.docx", as_docx(revised_text()))
    assert response.status_code == 302
    assert "6章，18条" in client.get(response["Location"]).content.decode()
    confirm(client)
    from_docx = PolicyPage.objects.get(document_number=REVISED_NUMBER).get_latest_revision_as_object()

    text_file = tmp_path / "revised.txt"
    text_file.write_text(revised_text(), encoding="utf-8")
    docx_file = tmp_path / "revised.docx"
    docx_file.write_bytes(as_docx(revised_text().replace(REVISED_NUMBER, "市中政办字〔2026〕9号")))
    call_command("import_policy", str(docx_file), verbosity=0)  # the command reads .docx too
    from_command = PolicyPage.objects.get(document_number="市中政办字〔2026〕9号")
    assert from_command.live and from_command.slug == "policy-2026-9"
    assert from_docx.chapters == from_command.chapters


def test_the_same_number_under_another_issuer_gets_its_own_address(demo_site, tmp_path):
    path = tmp_path / "other.txt"
    path.write_text(SOURCE.read_text(encoding="utf-8").replace("市中政办字〔2020〕33号", "市中人社字〔2020〕33号"))
    call_command("import_policy", str(path), verbosity=0)
    assert PolicyPage.objects.get(document_number="市中人社字〔2020〕33号").slug == "policy-2020-33-2"


def _line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.lstrip().startswith(start))


def _broken(kind: str) -> tuple[str, str]:
    """A broken text and what the refusal must say."""
    text = SOURCE.read_text(encoding="utf-8")
    if kind == "skipped article":
        text = re.sub("^第十条", "第十一条", text, count=1, flags=re.M)
        return text, f"第{_line_of(text, '第十一条')}行“第十一条"
    if kind == "no document number":
        text = text.replace("市中政办字〔2020〕33号", "市中区人民政府办公室文件", 1)
        return text, "第1行“市中区人民政府办公室文件”"
    if kind == "stray text":
        text = re.sub("^(第一章.*)$", "\\1\n请各单位认真执行。", text, count=1, flags=re.M)
        return text, f"第{_line_of(text, '请各单位认真执行')}行“请各单位认真执行。”"
    if kind == "impossible date":
        text = text.replace("2020年12月30日", "2020年2月30日", 1)
        return text, f"第{_line_of(text, '2020年2月30日')}行“2020年2月30日”"
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["skipped article", "no document number", "stray text", "impossible date"])
@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_a_text_that_cannot_be_read_is_refused_naming_the_line(demo_site, client, office, kind, suffix):
    text, expected = _broken(kind)
    client.force_login(office)
    revisions = demo_site["policy"].revisions.count()
    content = text.encode() if suffix == ".txt" else as_docx(text)
    response = upload(client, f"broken{suffix}", content)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and expected in errors[0] and "无法导入" in errors[0]
    assert no_latin(errors[0])
    assert html.escape(expected) in response.content.decode() or expected in response.content.decode()
    assert "policy_import" not in client.session
    assert client.get(reverse("home_policy_import_preview"))["Location"] == reverse(IMPORT)
    assert PolicyPage.objects.count() == 1 and demo_site["policy"].revisions.count() == revisions


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("旧版.doc", b"\xd0\xcf\x11\xe0", "只接受 .txt 或 .docx"),
        ("坏的.docx", b"not a zip", "无法读取该 Word 文档"),
        ("图片.txt", b"\x89PNG\x00\x00", "不是纯文本"),
        ("空白.txt", b"\n\n", "未找到“第一章”"),
    ],
)
def test_files_that_are_not_a_policy_text_are_refused(demo_site, client, office, name, content, expected):
    client.force_login(office)
    response = upload(client, name, content)
    assert response.status_code == 200 and expected in response.context["form"].errors["file"][0]
    assert PolicyPage.objects.count() == 1


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_a_text_saved_by_notepad_is_read(demo_site, client, office, encoding):
    client.force_login(office)
    response = upload(client, "revised.txt", revised_text().encode(encoding))
    assert response.status_code == 302
    assert "6章，18条" in client.get(response["Location"]).content.decode()


def test_renumbering_the_text_of_a_rule_set_in_use_is_refused(demo_site, client, office, tmp_path):
    """SPEC §2: the 2020 rule set is used by the 2024 round; its articles keep their numbers."""
    text = SOURCE.read_text(encoding="utf-8")
    renumbered = text.rstrip() + "\n第十八条　本办法所称“以上”含本数。\n"
    client.force_login(office)
    response = upload(client, "2020.txt", renumbered.encode())
    error = response.context["form"].errors["file"][0]
    assert "已锁定" in error and "条数由17条变为18条" in error and "新的修订" in error
    items = text.replace("（四）其他应当取消", "（四）无故不参加跟踪评估的；\n（五）其他应当取消", 1)
    error = upload(client, "2020.txt", items.encode()).context["form"].errors["file"][0]
    assert "第十五条的项数由4项变为5项" in error

    path = tmp_path / "2020.txt"
    path.write_text(renumbered, encoding="utf-8")
    with pytest.raises(CommandError, match="已锁定"):
        call_command("import_policy", str(path), verbosity=0)
    assert len(PolicyPage.objects.get().articles()) == 17

    # a correction of wording keeps the numbering and is accepted, as a draft of the same page
    corrected = text.replace("负责解释", "负责具体解释")
    assert upload(client, "2020.txt", corrected.encode()).status_code == 302
    assert confirm(client).status_code == 302
    page = PolicyPage.objects.get()
    assert page.live and "负责解释" in page.articles()[-1]["text"]  # the published text is unchanged
    assert "负责具体解释" in page.get_latest_revision_as_object().articles()[-1]["text"]


@pytest.mark.parametrize("role", ["editor", "recommender"])
def test_only_those_who_manage_the_rules_import(demo_site, client, role, request):
    client.force_login(request.getfixturevalue(role))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(IMPORT) not in home
    for response in (
        client.get(reverse(IMPORT)),
        upload(client, "revised.txt", revised_text().encode()),
        client.post(reverse("home_policy_import_confirm"), {"digest": "x"}),
    ):
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert PolicyPage.objects.count() == 1


# --- copying ---


def test_a_policy_page_is_not_offered_for_copying_and_copying_it_fails_cleanly(demo_site, client, office):
    policy = demo_site["policy"]
    copy_url = reverse("wagtailadmin_pages:copy", args=(policy.pk,))
    client.force_login(office)
    listing = client.get(reverse("wagtailadmin_explore", args=(demo_site["home"].pk,)))
    assert listing.status_code == 200
    listing_html = listing.content.decode()
    assert reverse("wagtailadmin_pages:edit", args=(policy.pk,)) in listing_html and copy_url not in listing_html
    # the notices still offer it
    assert reverse("wagtailadmin_pages:copy", args=(demo_site["index"].pk,)) in listing_html
    assert copy_url not in client.get(reverse("wagtailadmin_pages:edit", args=(policy.pk,))).content.decode()

    pages = Page.objects.count()
    for response in (
        client.get(copy_url),
        client.post(
            copy_url,
            {"new_title": "副本", "new_slug": "policy-copy", "new_parent_page": demo_site["home"].pk},
        ),
    ):
        assert response.status_code == 302
        assert all(no_latin(m) for m in flashed(response))
    assert Page.objects.count() == pages


# --- editing articles by hand ---


def _list(values) -> dict:
    data = {str(i): {"value": v, "deleted": "", "order": str(i)} for i, v in enumerate(values)}
    data["count"] = str(len(values))
    return data


def _article(a: dict) -> dict:
    return {"number": a["number"], "text": a["text"], "items": _list(a["items"])}


def _edit_form(page: PolicyPage, chapters: list[dict]) -> dict:
    """The edit form as the page editor posts it, with `chapters` as the body; publishing."""
    body = [
        ("chapter", {"number": c["number"], "title": c["title"], "articles": _list(c["articles"])}) for c in chapters
    ]
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "issuer": page.issuer,
            "document_number": page.document_number,
            "subject": page.subject,
            "written_date": page.written_date.isoformat(),
            "publish_date": page.publish_date.isoformat(),
            "effective_from": page.effective_from.isoformat(),
            "effective_until": page.effective_until.isoformat(),
            "notice_title": page.notice_title,
            "body": streamfield(body),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )


def _chapters(page: PolicyPage) -> list[dict]:
    return [{**c, "articles": [_article(a) for a in c["articles"]]} for c in page.chapters]


def test_a_new_article_comes_without_an_empty_item():
    """What the editor's “add” button inserts: the child blocks' defaults."""
    assert list(ArticleBlock().get_default()["items"]) == []
    new_article = ChapterBlock().child_blocks["articles"].child_block.get_default()
    assert list(new_article["items"]) == []


def test_an_article_added_by_hand_is_published(demo_site, client, office):
    page = demo_site["policy"]
    chapters = _chapters(page)
    chapters[-1]["articles"].append({"number": 18, "text": "本办法所称“以上”含本数。", "items": _list([])})
    client.force_login(office)
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), _edit_form(page, chapters))
    assert response.status_code == 302, flashed(response)
    page = PolicyPage.objects.get(pk=page.pk)
    assert page.articles()[-1]["label"] == "第十八条" and page.articles()[-1]["items"] == []
    assert 'id="art-18"' in client.get(page.url).content.decode()


def test_errors_in_hand_edited_articles_are_in_chinese(demo_site, client, office):
    page = demo_site["policy"]
    chapters = _chapters(page)
    chapters[-1]["articles"].append({"number": "", "text": "", "items": _list([""])})
    chapters.append({"number": 7, "title": "附录", "articles": []})
    client.force_login(office)
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), _edit_form(page, chapters))
    assert response.status_code == 200
    (message,) = flashed(response)
    assert "未能保存" in message and no_latin(message)
    # the editor's blocks, their values and their errors, as the page hands them to its script
    raw = re.search(r'data-w-block-arguments-value="([^"]*)"', response.content.decode()).group(1)
    block_data = json.dumps(json.loads(html.unescape(raw)), ensure_ascii=False)
    errors = re.findall(r'"messages": (\[[^\]]*\])', block_data)  # shown at each block
    assert '["每章至少应有一条。"]' in errors and '["必需字段"]' in errors
    assert all(no_latin(e) for e in errors)
    assert len(PolicyPage.objects.get().articles()) == 17
