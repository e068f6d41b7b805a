from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text

from home.models import CallNoticePage
from tests.factories import UserFactory
from workflow import roles


def test_groups_created_by_migration(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL_ROLES) <= names


def _call_form(title, slug, action, round_id):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "round": round_id,
            "summary": "测试",
            "body": rich_text("<p>测试正文</p>"),
            "materials": rich_text("<p>材料</p>"),
        }
    )
    data[action] = "1"
    return data


def test_editor_cannot_publish_directly_and_office_approval_makes_it_live(demo_site, client):
    index = demo_site["index"]
    editor = UserFactory(role=roles.EDITOR)
    office = UserFactory(role=roles.OFFICE)
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=("home", "callnoticepage", index.pk))

    response = client.post(
        url, _call_form("编辑直接发布的通知", "editor-direct", "action-publish", demo_site["call"].round_id)
    )
    assert response.status_code in (200, 302)
    page = CallNoticePage.objects.filter(slug="editor-direct").first()
    assert page is None or not page.live

    response = client.post(
        url, _call_form("编辑提交审核的通知", "editor-submit", "action-submit", demo_site["call"].round_id)
    )
    assert response.status_code == 302
    page = CallNoticePage.objects.get(slug="editor-submit")
    assert not page.live
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get(page.url or "/notices/editor-submit/").status_code == 404
    assert not page.permissions_for_user(editor).can_publish()

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, office, "approve")
    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200


def test_admin_speaks_chinese(demo_site, client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert 'lang="zh-hans"' in html
    assert "控制面板" in html
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(demo_site["policy"].pk,))).content.decode()
    assert "政府信息公开元数据" in edit and "发布" in edit
    assert Page.objects.filter(pk=demo_site["policy"].pk).exists()
