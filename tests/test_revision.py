"""A round under a revised measure (issue “The next round under a revised measure”, item 2): a revision
that inserts an article before Art 4 (the quota becomes 第五条), raises the quota to 12 and the allowance to
300 元. Its rounds cite the revision's numbering and pay its amount; rounds under the 2020 rules keep 第四条
and 200 元. A rule set in use is locked."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from home.models import PolicyPage
from roster import allowance, services
from roster.allowance import months_paid_in_run
from tests import clock
from tests.factories import EntryFactory, RoundFactory, UserFactory, rule_set_2020
from tests.moves import assert_refused
from workflow import roles
from workflow.articles import numeral, to_int
from workflow.models import RuleSet
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db
REVISED_NUMBER = "市中政办字〔2026〕8号"
SOURCE = Path(settings.BASE_DIR) / "content" / "policy" / "shizhong-2020-33.txt"


def revised_text() -> str:
    """The 2020 text as a revision would carry it: a new 第四条 inserted, later articles renumbered, the
    quota 12 and the allowance 300 元, a new 文号 and validity."""
    text = SOURCE.read_text(encoding="utf-8")
    text = text.replace("市中政办字〔2020〕33号", REVISED_NUMBER).replace("2020年12月30日", "2026年3月2日")
    text = text.replace("有效期至2025年12月31日", "有效期至2030年12月31日")

    def shift(m):
        n = to_int(m.group(1))
        return f"第{numeral(n + 1 if n >= 4 else n)}条"

    lines = []
    for line in text.splitlines():
        if re.match(r"^(\[bookmark: [^\]]*\])?第[一二三四五六七八九十]+条", line):
            line = re.sub(r"第([一二三四五六七八九十]+)条", shift, line, count=1)
        if line.startswith("第五条"):  # the old 第四条, now 第五条
            lines.append("第四条  市中首席技师选拔工作坚持德技并修，注重在重大工程、重点项目中发现技能人才。")
            line = line.replace("不超过10人", "不超过12人")
        lines.append(line.replace("每人每月享受区政府津贴200元", "每人每月享受区政府津贴300元"))
    return "\n".join(lines) + "\n"


@pytest.fixture
def revision(tmp_path, demo_site):
    path = tmp_path / "revised.txt"
    path.write_text(revised_text(), encoding="utf-8")
    call_command("import_policy", str(path), verbosity=0)
    page = PolicyPage.objects.get(document_number=REVISED_NUMBER)
    assert [a["label"] for a in page.articles()][3:5] == ["第四条", "第五条"]
    assert "不超过12人" in page.articles()[4]["text"]
    # The office creates the revision's rule set, prefilled from the latest one (SPEC §2), and its table.
    return RuleSet.objects.create(
        name="市中首席技师选拔管理办法（2026年修订，测试）",
        document_number=REVISED_NUMBER,
        valid_from=datetime.date(2026, 3, 2),
        valid_until=datetime.date(2030, 12, 31),
        max_selected=12,
        allowance_per_month=300,
        citations={f"第{numeral(n)}条": f"第{numeral(n + 1)}条" for n in range(4, 18)},
    )


def test_a_round_under_the_revision_cites_its_numbering_and_keeps_its_quota(revision):
    round_ = RoundFactory(year=2026, rule_set=revision, quota=12)
    round_.full_clean()
    office = UserFactory(role=roles.OFFICE)
    for _ in range(12):
        services.perform(EntryFactory(round=round_, status=S.QUALIFIED), "shortlist", office)
    thirteenth = EntryFactory(round=round_, status=S.QUALIFIED)
    exc = assert_refused(thirteenth, "shortlist", office)
    assert exc.article == "第五条" and "12" in exc.reason
    # the article in the history and in the checklist are the revision's too
    moved = round_.entries.filter(status=S.SHORTLISTED).first()
    assert services.history(moved).last().data["article"] == "第十条第四项"
    assert next(c for c in thirteenth.checklist() if c.key == "materials").article == "第十条第二项"

    old_round = RoundFactory(year=2024)
    for _ in range(10):
        services.perform(EntryFactory(round=old_round, status=S.QUALIFIED), "shortlist", office)
    exc = assert_refused(EntryFactory(round=old_round, status=S.QUALIFIED), "shortlist", office)
    assert exc.article == "第四条"


def test_the_revision_pays_its_own_allowance(revision):
    with clock.travel(2027, 3, 1):
        revised_entry = EntryFactory(round=RoundFactory(year=2026, rule_set=revision, quota=12), status=S.ACTIVE)
        old_entry = EntryFactory(round=RoundFactory(year=2024), status=S.ACTIVE)
    with clock.travel(2029, 2, 1):
        run = allowance.compute_run(2028, UserFactory(role=roles.OFFICE))
    for entry, rate in ((revised_entry, 300), (old_entry, 200)):
        months = months_paid_in_run(entry, 2028)
        assert months > 0
        assert sum(line.amount for line in run.lines.filter(entry=entry)) == months * rate


def test_a_rule_set_in_use_is_locked_but_its_end_may_be_set(revision):
    RoundFactory(year=2026, rule_set=revision, quota=12)
    revision.refresh_from_db()
    revision.max_selected = 15
    with pytest.raises(ValidationError, match="已锁定"):
        revision.full_clean()
    revision.refresh_from_db()
    revision.citations = {**revision.citations, "第九条": "第十一条"}
    with pytest.raises(ValidationError, match="条款对照表"):
        revision.full_clean()
    revision.refresh_from_db()
    revision.valid_until = datetime.date(2028, 12, 31)
    revision.full_clean()
    rule_set_2020().full_clean()  # untouched: nothing to refuse


@pytest.mark.parametrize(
    "citation,expected",
    [
        ("第四条", "第五条"),
        ("第九条第二项", "第十条第二项"),
        ("第十五条第一项", "第十六条第一项"),
        ("第三条", "第三条"),
        ("", ""),
    ],
)
def test_cite_maps_exact_keys_then_articles_with_their_items(revision, citation, expected):
    assert revision.cite(citation) == expected
    assert rule_set_2020().cite(citation) == citation


def test_the_admin_prefills_a_new_rule_set_from_the_latest_and_explains_the_lock(revision, client, office):
    client.force_login(office)
    add = client.get(reverse("wagtailsnippets_workflow_ruleset:add"))
    assert add.status_code == 200
    form = add.context["form"]
    assert form.initial["max_selected"] == 12 and form.initial["allowance_per_month"] == 300
    assert "第四条 = 第五条" in form["citations"].value() or "第四条 = 第五条" in str(form["citations"])
    assert not form.initial.get("document_number")

    RoundFactory(year=2026, rule_set=revision, quota=12)
    edit_url = reverse("wagtailsnippets_workflow_ruleset:edit", args=(revision.pk,))
    page = client.get(edit_url).content.decode()
    assert "已锁定" in page and "2026年度" in page
    data = {name: value for name, value in client.get(edit_url).context["form"].initial.items() if value is not None}
    data.update(
        max_selected=15,
        citations="\n".join(f"{k} = {v}" for k, v in revision.citations.items()),
        valid_from="2026-03-02",
        valid_until="2030-12-31",
    )
    response = client.post(edit_url, data)
    assert response.status_code == 200 and "已锁定" in response.content.decode()
    revision.refresh_from_db()
    assert revision.max_selected == 12


def test_revisions_link_each_other_and_the_call_links_its_revision(revision, client, demo_site):
    old = demo_site["policy"]
    new = PolicyPage.objects.get(document_number=REVISED_NUMBER)
    with clock.travel(2026, 11, 24):
        old_html = client.get(old.url).content.decode()
        new_html = client.get(new.url).content.decode()
    assert "已被《" in old_html and new.url in old_html and REVISED_NUMBER in old_html and "已失效" in old_html
    assert "本文件替代《" in new_html and old.url in new_html
    call = demo_site["call"]
    html = client.get(call.url).content.decode()
    assert "市中政办字〔2020〕33号" in html and old.url in html
