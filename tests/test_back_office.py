"""The back office, journey by journey (issue 15): lists open records, the entry page is a reviewer's
workbench (checklist and evidence before the moves, the positive step first, moves that end a case
confirmed with their consequence), the 申报表 as a page, A4 paper, Chinese wherever staff look."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from roster import paper, services
from roster.audit import PersonalDataAccess
from roster.models import EvidenceFile
from tests.factories import PDF_BYTES, EntryFactory, PersonFactory, UnitFactory, UserFactory
from workflow import roles
from workflow.states import NEGATIVE_STATES, Status
from workflow.transitions import TRANSITIONS

S = Status
pytestmark = pytest.mark.django_db
LIST = reverse("wagtailsnippets_roster_entry:list")


def inspect_url(entry):
    return reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,))


def move_url(entry, name):
    return reverse("roster_entry_move", args=(entry.pk, name))


def row_links(html: str) -> set[str]:
    return set(re.findall(r'href="(/admin/snippets/roster/entry/(?:inspect|edit)/\d+/)"', html))


# --- lists open records ---------------------------------------------------------------------------


def test_every_role_that_sees_the_entry_list_opens_each_row(client, office, leader):
    entry = EntryFactory(status=S.QUALIFIED)
    expert = UserFactory(role=roles.EXPERT)
    entry.round.experts.add(expert)
    recommender = UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    for user in (office, leader, expert, recommender):
        client.force_login(user)
        html = client.get(LIST).content.decode()
        assert inspect_url(entry) in row_links(html), user
        # The row's link is the person's name, and opens the entry page.
        assert re.search(
            rf'<a href="{inspect_url(entry)}">\s*<span id="snippet_{entry.pk}_title">{entry.person.name}<', html
        )
        assert client.get(inspect_url(entry)).status_code == 200


def test_a_row_offers_edit_only_while_the_application_may_change(client):
    draft = EntryFactory(status=S.DRAFT)
    submitted = EntryFactory(status=S.SUBMITTED, unit=draft.unit)
    client.force_login(UserFactory(role=roles.RECOMMENDER, unit=draft.unit))
    html = client.get(LIST).content.decode()
    edit = reverse("wagtailsnippets_roster_entry:edit", args=(draft.pk,))
    assert edit in html
    assert reverse("wagtailsnippets_roster_entry:edit", args=(submitted.pk,)) not in html
    assert reverse("wagtailsnippets_roster_entry:delete", args=(submitted.pk,)) not in html
    assert client.get(edit).status_code == 200


def test_lists_say_yes_and_no_in_chinese(client, office):
    UnitFactory(banned=True, ban_reason="弄虚作假")
    UnitFactory()
    client.force_login(office)
    html = client.get(reverse("wagtailsnippets_roster_unit:list")).content.decode()
    cells = re.findall(r"<td[^>]*>\s*(True|False|是|否)\s*</td>", html)
    assert "是" in cells and "否" in cells and "True" not in cells and "False" not in cells


# --- the entry page as a workbench -------------------------------------------------------------------


def test_checklist_and_evidence_come_before_the_moves_and_the_positive_step_first(client, office):
    entry = EntryFactory(status=S.SUBMITTED)
    EvidenceFile.objects.create(entry=entry, title="职业资格证书", file=ContentFile(PDF_BYTES, name="c.pdf"))
    client.force_login(office)
    html = client.get(inspect_url(entry)).content.decode()
    order = [html.index(f'id="{h}"') for h in ("check-h", "evidence-h", "moves-h")]
    assert order == sorted(order)
    buttons = re.findall(r'<button type="submit" class="button( no)?">([^<]+)</button>', html)
    labels = [label for _, label in buttons]
    assert labels.index("资格审查通过") < labels.index("材料弄虚作假，取消申报资格")
    danger = {label for cls, label in buttons if cls}
    assert danger == {"资格审查不通过", "材料弄虚作假，取消申报资格", "申报人书面申请撤回"}
    assert TRANSITIONS["disqualify_for_fraud"].consequence in html
    # The evidence shows in the page (a PDF in a frame).
    assert re.search(r'<iframe[^>]+src="/admin/roster/evidence/\d+/\?inline=1"', html)


def test_every_move_that_ends_a_case_names_its_consequence():
    for name, t in TRANSITIONS.items():
        if set(t.targets) <= set(NEGATIVE_STATES):
            assert t.dangerous and len(t.consequence) > 10, name
    assert not TRANSITIONS["pass_qualification"].dangerous


def test_a_move_that_ends_the_case_is_confirmed_first_and_changes_nothing_until_then(client, office):
    entry = EntryFactory(status=S.SUBMITTED)
    client.force_login(office)
    before = services.history(entry).count()
    response = client.post(move_url(entry, "disqualify_for_fraud"), {"comment": "证书系伪造"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "确认对" in html and TRANSITIONS["disqualify_for_fraud"].consequence in html
    assert 'name="comment" value="证书系伪造"' in html and 'name="confirmed" value="True"' in html
    entry.refresh_from_db()
    assert entry.status == S.SUBMITTED and services.history(entry).count() == before
    response = client.post(
        move_url(entry, "disqualify_for_fraud"), {"comment": "证书系伪造", "confirmed": "True"}, follow=True
    )
    entry.refresh_from_db()
    assert entry.status == S.DISQUALIFIED
    assert f"{entry.person.name}的申报已办理“材料弄虚作假，取消申报资格”，现在的状态是“取消申报资格”。" in (
        response.content.decode()
    )


def test_no_confirmation_is_offered_for_a_move_that_would_be_refused(client, leader, office):
    entry = EntryFactory(status=S.SUBMITTED)
    client.force_login(leader)
    response = client.post(move_url(entry, "disqualify_for_fraud"), {"comment": "证书系伪造"}, follow=True)
    html = response.content.decode()
    assert "确认对" not in html and "未能办理“材料弄虚作假，取消申报资格”：您的角色无权" in html
    client.force_login(office)
    response = client.post(move_url(entry, "fail_qualification"), {"comment": ""}, follow=True)
    assert "确认对" not in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == S.SUBMITTED


def test_history_names_states_not_code_names(client, office):
    entry = EntryFactory(status=S.SUBMITTED)
    client.force_login(office)
    client.post(move_url(entry, "pass_qualification"), {"comment": ""})
    html = client.get(inspect_url(entry)).content.decode()
    assert "已上报 → 资格审查通过" in html and "submitted → qualified" not in html
    history = client.get(reverse("wagtailsnippets_roster_entry:history", args=(entry.pk,))).content.decode()
    assert "已上报 → 资格审查通过" in history and "submitted" not in history


# --- the application as a page ---------------------------------------------------------------------


def test_the_application_reads_in_the_browser_masked_unless_the_reader_may_see_numbers(client, office):
    entry = EntryFactory(status=S.QUALIFIED)
    expert = UserFactory(role=roles.EXPERT)
    entry.round.experts.add(expert)
    url = reverse("roster_application", args=(entry.pk,))
    client.force_login(office)
    html = client.get(url).content.decode()
    assert entry.person.id_number in html and entry.specialty in html and "打印版（A4）" in html
    assert PersonalDataAccess.objects.filter(user=office, what__contains="申报表").exists()
    client.force_login(expert)
    assert "阅读申报表" in client.get(inspect_url(entry)).content.decode()
    html = client.get(url).content.decode()
    assert entry.person.id_number not in html and entry.person.masked_id_number in html
    assert entry.person.phone not in html and entry.specialty in html
    printed = client.get(url + "?print=1").content.decode()
    assert "size: A4" in printed and "个人信息处理告知" in printed
    client.force_login(UserFactory(role=roles.RECOMMENDER, unit=UnitFactory()))
    assert client.get(url).status_code == 404


def test_evidence_shows_inline_only_as_a_pdf_or_image_of_a_visible_entry(client, office):
    entry = EntryFactory(status=S.SUBMITTED)
    evidence = EvidenceFile.objects.create(entry=entry, title="证书", file=ContentFile(PDF_BYTES, name="c.pdf"))
    client.force_login(office)
    url = reverse("roster_evidence", args=(evidence.pk,))
    inline = client.get(url + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline") and inline["Content-Type"] == "application/pdf"
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get(url)["Content-Disposition"].startswith("attachment")
    client.force_login(UserFactory(role=roles.RECOMMENDER, unit=UnitFactory()))
    assert client.get(url + "?inline=1").status_code == 404


# --- paper -----------------------------------------------------------------------------------------


def test_the_application_form_is_a4_with_a_photo_box_and_the_right_employer_wording():
    employee = PersonFactory(is_freelancer=False, employer="")
    entry = EntryFactory(person=employee, unit=employee.unit)
    doc = Document(io.BytesIO(paper.application_form(entry)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "照片\n（一寸）" in cells and not any("自由职业者" in c for c in cells)
    freelancer = PersonFactory(is_freelancer=True, employer="")
    assert paper.employer_text(freelancer) == "自由职业者"


def test_the_certificate_is_a4_with_a_border_room_for_the_seal_and_a_centred_date():
    entry = EntryFactory(status=S.ACTIVE)
    doc = Document(io.BytesIO(paper.certificate(entry)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section._sectPr.xpath("./w:pgBorders")
    date = next(p for p in doc.paragraphs if p.text == f"{entry.announcement_date:%Y年%-m月%-d日}")
    assert date.alignment == 1  # WD_ALIGN_PARAGRAPH.CENTER
    assert any(p.text == "（盖章）" for p in doc.paragraphs)


def test_the_dashboard_lists_only_windows_still_open_under_ending_soon(office):
    import datetime

    from roster.dashboard import windows_ending

    ended = EntryFactory(status=S.DISTRICT_PUBLICITY)
    ended.district_publicity_start = ended.round.application_deadline + datetime.timedelta(days=7)
    ended.save()
    label, window = ended.publicity_window()
    assert window["state"] == "ended"
    assert ended.pk not in {row["entry"].pk for row in windows_ending(office)}


# --- objections end to end ------------------------------------------------------------------------


def _file_public_objection(client, notice, entry) -> tuple[str, str]:
    """Files an objection on the public form; returns the reference and the 查询码 shown once."""
    from tests.factories import objection_data

    response = client.post(notice.objection_url(), objection_data(entry), follow=True)
    html = response.content.decode()
    reference = re.search(r"受理编号：<strong>(YY\d+)</strong>", html).group(1)
    code = re.search(r"查询码：<strong>([A-Z0-9]+)</strong>", html).group(1)
    return reference, code


def test_an_objection_goes_from_the_public_form_to_the_office_and_its_reply_back(client, demo_site, office):
    from django.core.cache import cache

    from roster.models import Objection

    cache.clear()
    notice = demo_site["publicity"]
    entry = EntryFactory(round=notice.round, status=S.DISTRICT_PUBLICITY)
    reference, code = _file_public_objection(client, notice, entry)
    lookup = reverse("objection_lookup")
    page = client.post(lookup, {"reference": reference, "code": code})
    assert page.status_code == 200 and "正在调查核实" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"

    # The office: the dashboard and the list lead to the objection, with who raised it.
    client.force_login(office)
    objection = Objection.objects.get(reference=reference)
    detail = reverse("roster_objection", args=(objection.pk,))
    assert detail in client.get(reverse("roster_objections")).content.decode()
    assert detail in client.get(reverse("wagtailadmin_home")).content.decode()
    html = client.get(detail).content.decode()
    assert "王某某" in html and "0632-1234567" in html
    assert PersonalDataAccess.objects.filter(user=office, what__contains=reference).exists()
    client.post(detail, {"investigation": "电话联系发证单位，获奖证书真实。"})
    objection.refresh_from_db()
    assert objection.investigation == "电话联系发证单位，获奖证书真实。" and objection.status == "open"
    decide = reverse("roster_objection_decide", args=(entry.pk, objection.pk))
    client.post(decide, {"status": "dismissed", "finding": "证书真实"})  # no reply: refused
    objection.refresh_from_db()
    assert objection.status == "open"
    client.post(
        decide, {"status": "dismissed", "finding": "证书真实", "reply": "经核实，所反映获奖情况属实，异议不成立。"}
    )
    objection.refresh_from_db()
    assert objection.status == "dismissed" and objection.decided_by == office

    # The objector reads the reply; the recommender of the unit never learns who objected.
    client.logout()
    html = client.post(lookup, {"reference": reference, "code": code}).content.decode()
    assert "已办结" in html and "经核实，所反映获奖情况属实，异议不成立。" in html and "证书真实" not in html
    client.force_login(UserFactory(role=roles.RECOMMENDER, unit=entry.unit))
    refused = client.get(detail)
    assert refused.status_code in (302, 403) and "王某某" not in refused.content.decode()
    assert "王某某" not in client.get(inspect_url(entry)).content.decode()


def test_the_objection_lookup_cannot_be_enumerated(client, demo_site):
    from django.core.cache import cache

    cache.clear()
    notice = demo_site["publicity"]
    entry = EntryFactory(round=notice.round, status=S.DISTRICT_PUBLICITY)
    reference, code = _file_public_objection(client, notice, entry)
    lookup = reverse("objection_lookup")
    wrong_code = client.post(lookup, {"reference": reference, "code": "AAAAAAAAAA"})
    wrong_reference = client.post(lookup, {"reference": "YY20261130000000", "code": code})
    assert wrong_code.status_code == wrong_reference.status_code == 404
    assert "受理编号或查询码不正确" in wrong_code.content.decode()
    assert "受理编号或查询码不正确" in wrong_reference.content.decode()
    # The code is never stored, only its keyed hash.
    from roster.models import Objection

    assert code not in Objection.objects.get(reference=reference).lookup_key
    # Ten tries an hour per reference, from any number of clients.
    for i in range(9):
        client.post(lookup, {"reference": reference, "code": f"WRONG{i:05d}"}, REMOTE_ADDR=f"10.0.0.{i}")
    limited = client.post(lookup, {"reference": reference, "code": code}, REMOTE_ADDR="10.0.1.1")
    assert limited.status_code == 429 and "过于频繁" in limited.content.decode()


def test_staff_registered_objection_gives_a_lookup_code_and_a_dated_form(client, office):
    entry = EntryFactory(status=S.UNIT_PUBLICITY)
    client.force_login(office)
    html = client.get(inspect_url(entry)).content.decode()
    assert re.search(r'name="received_on" value="\d{4}-\d{2}-\d{2}"', html)
    response = client.post(
        reverse("roster_objection_add", args=(entry.pk,)),
        {
            "window": "unit",
            "received_on": "2026-11-20",
            "submitter_name": "张某",
            "submitter_contact": "电话",
            "facts": "反映其未在一线岗位工作。",
        },
        follow=True,
    )
    assert "查询码" in response.content.decode()


# --- accounts and documents ------------------------------------------------------------------------


def test_the_office_creates_a_unit_recommender_who_then_sees_its_own_unit(client, office):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    unit = UnitFactory()
    client.force_login(office)
    add = reverse("wagtailusers_users:add")
    form = client.get(add).content.decode()
    assert "所属推荐单位" in form
    offered = set(re.findall(r'name="groups" value="(\d+)"', form))
    assert str(Group.objects.get(name=roles.OFFICE).pk) not in offered
    assert str(Group.objects.get(name=roles.RECOMMENDER).pk) in offered
    data = {
        "username": "zhangsan",
        "email": "zhangsan@example.cn",
        "first_name": "三",
        "last_name": "张",
        "password1": "Qz7-unit-staff-2026",
        "password2": "Qz7-unit-staff-2026",
        "groups": [Group.objects.get(name=roles.RECOMMENDER).pk],
        "is_superuser": "on",
    }
    refused = client.post(add, data)
    assert "推荐单位经办人须选择所属推荐单位" in refused.content.decode()
    assert not get_user_model().objects.filter(username="zhangsan").exists()
    client.post(add, {**data, "unit": unit.pk})
    user = get_user_model().objects.get(username="zhangsan")
    assert not user.is_superuser and user.staff_profile.unit == unit
    assert roles.user_roles(user) == {roles.RECOMMENDER}

    mine = EntryFactory(unit=unit)
    other = EntryFactory()
    client.force_login(user)
    html = client.get(LIST).content.decode()
    assert mine.person.name in html and other.person.name not in html


def test_the_office_neither_sees_nor_edits_superusers_and_office_accounts(client, office, office2):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root2", "root2@example.cn", "Qz7-admin-pass-2026")
    expert = UserFactory(role=roles.EXPERT)
    client.force_login(office)
    html = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert expert.username in html and admin.username not in html and office2.username not in html
    for target in (admin, office2):
        response = client.get(reverse("wagtailusers_users:edit", args=(target.pk,)))
        assert response.status_code in (302, 403)
    assert client.get(reverse("wagtailusers_users:edit", args=(expert.pk,))).status_code == 200


def test_a_recommender_without_a_unit_is_told_why_its_lists_are_empty(client):
    from django.contrib.auth.models import Group

    user = UserFactory(role=roles.RECOMMENDER)
    client.force_login(user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "您的账号尚未设置所属推荐单位" in html
    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()


def test_editors_and_the_office_upload_documents_and_images(client, office, editor):
    for user in (office, editor):
        client.force_login(user)
        for url in (reverse("wagtaildocs:add_multiple"), reverse("wagtailimages:add_multiple")):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
        assert client.get(reverse("wagtaildocs:index")).status_code == 200


# --- batch work ------------------------------------------------------------------------------------


def test_the_office_passes_qualification_for_selected_entries_each_with_its_own_result(client, office):
    ready = EntryFactory(status=S.SUBMITTED)
    also = EntryFactory(status=S.SUBMITTED, round=ready.round)
    left_out = EntryFactory(status=S.SUBMITTED, round=ready.round)
    client.force_login(office)
    url = reverse("roster_batch", args=("pass_qualification",))
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    page = client.get(url).content.decode()
    assert all(f'value="{e.pk}"' in page for e in (ready, also, left_out))
    # One of them is moved on elsewhere meanwhile: refused alone, the others go through.
    services.perform(also, "return_for_correction", office, comment="补充证书")
    response = client.post(url, {"entries": [ready.pk, also.pk], "comment": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "所选申报已不在待办列表中" in html  # stale selection: nothing done
    ready.refresh_from_db()
    assert ready.status == S.SUBMITTED
    response = client.post(url, {"entries": [ready.pk], "comment": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "办理结果" in html and "已办理，现在的状态是“资格审查通过”" in html
    ready.refresh_from_db()
    left_out.refresh_from_db()
    assert ready.status == S.QUALIFIED and left_out.status == S.SUBMITTED
    assert services.history(ready).last().user == office


def test_a_batch_reports_each_refusal_with_its_reason(client, office):
    from tests.factories import RoundFactory

    round_ = RoundFactory()
    from roster.models import Objection

    open_window = EntryFactory(status=S.DISTRICT_PUBLICITY, round=round_)
    Objection.objects.create(
        entry=open_window, window="district", submitter_name="李某", submitter_contact="电话", facts="反映不实"
    )
    client.force_login(office)
    url = reverse("roster_batch", args=("start_inspection",))
    page = client.get(url).content.decode()
    assert "暂不能办理" in page
    html = client.post(url, {"entries": [open_window.pk], "comment": ""}).content.decode()
    assert "未办理：" in html and "第九条第五项" in html
    open_window.refresh_from_db()
    assert open_window.status == S.DISTRICT_PUBLICITY


def test_the_leading_group_approves_a_list_in_one_step_with_the_minute_number(client, leader, office):
    first = EntryFactory(status=S.LEADING_GROUP_REVIEW)
    second = EntryFactory(status=S.LEADING_GROUP_REVIEW, round=first.round)
    url = reverse("roster_batch", args=("submit_to_government",))
    client.force_login(office)
    assert client.get(url).status_code in (302, 403)
    client.force_login(leader)
    refused = client.post(url, {"entries": [first.pk, second.pk], "comment": ""})
    assert "会议纪要号" in refused.content.decode() and refused.status_code == 400
    client.post(url, {"entries": [first.pk, second.pk], "comment": "", "minute_number": "区人才办纪要〔2026〕5号"})
    for entry in (first, second):
        entry.refresh_from_db()
        assert entry.status == S.GOVERNMENT_REVIEW and entry.minute_number == "区人才办纪要〔2026〕5号"
        assert services.history(entry).last().data["data"]["minute_number"] == "区人才办纪要〔2026〕5号"


# --- experts and the round overview ----------------------------------------------------------------


def test_an_expert_scores_with_the_application_beside_the_sheet_and_sees_the_due_date(client):
    import datetime

    from django.utils import timezone

    entry = EntryFactory(status=S.QUALIFIED)
    entry.expert_scores.all().delete()
    round_ = entry.round
    round_.review_deadline = timezone.localdate() + datetime.timedelta(days=6)
    round_.save()
    expert = UserFactory(role=roles.EXPERT)
    round_.experts.add(expert)
    client.force_login(expert)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "待我评审" in home and f"评审截止：{round_.review_deadline:%Y-%m-%d}，还剩6天" in home
    html = client.get(inspect_url(entry)).content.decode()
    sheet = html.index('class="roster-side-by-side__sheet"')
    doc = html.index('class="roster-side-by-side__doc"')
    assert doc < sheet and entry.specialty in html[doc:sheet] and entry.person.id_number not in html


def test_experts_are_chosen_by_real_name_among_expert_accounts(client, office):
    round_ = EntryFactory().round
    expert = UserFactory(role=roles.EXPERT, first_name="明", last_name="王")
    other = UserFactory(role=roles.FINANCE, first_name="华", last_name="李")
    client.force_login(office)
    html = client.get(reverse("wagtailsnippets_roster_round:edit", args=(round_.pk,))).content.decode()
    assert f"王明（{expert.username}）" in html and 'type="checkbox" name="experts"' in html
    assert other.username not in html


def test_the_round_overview_shows_stage_deadlines_quota_and_counts_that_open_the_list(client, office):
    entry = EntryFactory(status=S.SUBMITTED)
    EntryFactory(status=S.SUBMITTED, round=entry.round)
    EntryFactory(status=S.ACTIVE, round=entry.round)
    round_ = entry.round
    client.force_login(office)
    rounds = client.get(reverse("wagtailsnippets_roster_round:list")).content.decode()
    url = reverse("roster_round_overview", args=(round_.pk,))
    assert url in rounds
    html = client.get(url).content.decode()
    assert "当前阶段：" in html and "申报截止" in html
    assert f"共 {round_.quota} 人，已占用 1 人，剩余 <strong>{round_.quota - 1}</strong> 人" in html
    listed = f"{LIST}?round={round_.pk}&amp;status=submitted"
    assert f'<a href="{listed}">2 条</a>' in html
    assert reverse("roster_batch", args=("pass_qualification",)) + f"?round={round_.pk}" in html
    filtered = client.get(f"{LIST}?round={round_.pk}&status=submitted").content.decode()
    assert entry.person.name in filtered


def test_the_round_overview_leads_the_office_to_a_notice_still_in_draft(client, demo_site, office):
    publicity = demo_site["publicity"]
    type(publicity).objects.filter(pk=publicity.pk).update(live=False, first_published_at=None)
    url = reverse("roster_round_overview", args=(publicity.round_id,))
    edit = reverse("wagtailadmin_pages:edit", args=(publicity.pk,))
    client.force_login(office)
    html = client.get(url).content.decode()
    assert f"{publicity.title}（草稿，尚未发布）" in html and edit in html
    assert demo_site["call"].url in html  # the live call opens on the site
    client.force_login(UserFactory(role=roles.LEADING_GROUP))
    html = client.get(url).content.decode()
    assert "草稿，尚未发布" in html and edit not in html  # the leading group does not edit pages


def test_a_live_call_offers_the_blank_application_form_the_portal_generates(client, demo_site):
    call = demo_site["call"]
    assert call.application_form is None  # nobody uploaded one: the demo's call offers the generated form
    html = client.get(call.url).content.decode()
    url = reverse("blank_application_form", args=(call.round.year,))
    assert f'href="{url}"' in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == paper.DOCX
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert doc.paragraphs[0].text == f"市中首席技师申报表（{call.round.year}年度）"
    assert {"姓名", "居民身份证号", "推荐单位", "照片\n（一寸）"} <= cells
    assert "个人信息处理告知" in text and "申报人签字" in text
    assert round(doc.sections[0].page_width.mm) == 210 and round(doc.sections[0].page_height.mm) == 297
    # No call, no form: a year without a live call answers 404.
    assert client.get(reverse("blank_application_form", args=(1999,))).status_code == 404
