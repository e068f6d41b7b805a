"""Personal information (issue 5, item 4): never in public HTML, feeds, search results, error pages or logs;
evidence files private, checked by content, size-limited, stored under generated names."""

import datetime
import io
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page

from home.models import RosterPage
from roster import services
from roster.models import EvidenceFile, Objection, Person, RevocationEvidence
from roster.seeding import PDF_BYTES
from tests.factories import EntryFactory, UserFactory, objection_data
from workflow import roles
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db

ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
MOBILE_SHAPED = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STORED_NAME = re.compile(r"^(evidence|objections)/[0-9a-f]{32}\.(pdf|jpg|png|bin)$")
SEARCH_QUERIES = ["首席技师", "公示", "津贴", "技能", "演示", "林一帆", "1390632", "3704"]


def personal_values(person: Person) -> list[str]:
    born = person.birth_date
    return [
        person.id_number,
        person.phone,
        born.isoformat(),
        f"{born.year}年{born.month}月{born.day}日",
        f"{born.year}年{born.month:02d}月{born.day:02d}日",
        born.strftime("%Y%m%d"),
    ]


def leaks(text: str, persons) -> list[str]:
    found = []
    for person in persons:
        found += [f"{person.name}: {v}" for v in personal_values(person) if v in text]
    found += [f"ID-shaped {m}" for m in ID_SHAPED.findall(text)]
    found += [f"mobile-shaped {m}" for m in MOBILE_SHAPED.findall(text)]
    return found


def test_demo_site_public_pages_feed_sitemap_search_and_errors_carry_no_personal_data(client):
    call_command("load_demo", stdout=io.StringIO())
    persons = list(Person.objects.all())
    assert len(persons) >= 15
    fetched: dict[str, int] = {}
    problems: list[str] = []

    def scan(url, params=None, expect=(200,)):
        cache.clear()  # the certificate lookup is rate-limited per minute
        response = client.get(url, params or {})
        label = f"{url}?{params}" if params else url
        fetched[label] = response.status_code
        if response.status_code not in expect:
            problems.append(f"{label}: status {response.status_code}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        problems.extend(f"{label}: {leak}" for leak in leaks(body.decode("utf-8", "replace"), persons))
        return response

    pages = [p for p in Page.objects.live().public().specific() if p.url]
    assert len(pages) >= 6
    for page in pages:
        scan(page.url)
    policy = next(p for p in pages if p.specific_class.__name__ == "PolicyPage")
    scan(policy.url + "print/")

    roster_page = RosterPage.objects.live().get()
    public = list(RosterPage.public_entries())
    assert public, "the demo roster shows chief technicians"
    for entry in public:
        scan(roster_page.url + roster_page.reverse_subpage("profile", args=(entry.pk,)))
    for number in (
        RosterPage.public_entries()
        .model.objects.exclude(certificate_number=None)
        .values_list("certificate_number", flat=True)
    ):
        response = scan(roster_page.url + "verify/", {"number": number})
        assert (
            "已取消" in response.content.decode()
            or "管理期" in response.content.decode()
            or "期满" in (response.content.decode())
        )
    scan(roster_page.url + "verify/", {"number": "NO-SUCH-NUMBER"})

    scan("/feed/")
    scan("/sitemap.xml")
    scan("/site-map/")
    for query in SEARCH_QUERIES:
        scan("/search/", {"q": query})
    scan("/no-such-page-anywhere/", expect=(404,))
    scan(roster_page.url + "999999/", expect=(404,))
    scan("/search/", {"q": "x" * 500})
    print(f"\npublic responses scanned: {len(fetched)}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def all_logs(caplog):
    """caplog at DEBUG for every logger, each propagating to the root."""
    changed = []
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
            if not logger.propagate:
                logger.propagate = True
                changed.append(logger)
    yield caplog
    for logger in changed:
        logger.propagate = False


def _log_text(caplog, with_attributes=False) -> str:
    """The messages, their arguments and tracebacks; with_attributes adds every attribute of each record
    (timestamps there look like phone numbers, so the shape checks skip them)."""
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_text:
            parts.append(record.exc_text)
        if with_attributes:
            parts.append(repr(record.__dict__))
    return "\n".join(parts)


def test_no_personal_numbers_in_logs_during_transitions_and_public_objection(client, demo_site, all_logs):
    office = UserFactory(role=roles.OFFICE)
    submitted = EntryFactory(status=S.SUBMITTED)
    services.perform(submitted, "pass_qualification", office)
    government = EntryFactory(status=S.GOVERNMENT_REVIEW)
    services.perform(government, "certify", office, announcement_date=datetime.date(2025, 1, 20))
    services.perform(government, "propose_revocation", office, comment="经查属实", ground=4)
    from workflow.errors import TransitionRefused

    with pytest.raises(TransitionRefused):
        services.perform(government, "approve_revocation", office, comment="同意")
    draft = EntryFactory(status=S.DRAFT)
    recommender = UserFactory(role=roles.RECOMMENDER, unit=draft.unit)
    services.perform(draft, "start_unit_publicity", recommender)
    with pytest.raises(TransitionRefused):
        services.perform(draft, "withdraw", recommender)  # a withdrawal needs a written comment
    notice = demo_site["publicity"]
    candidate = EntryFactory(round=notice.round, status=S.DISTRICT_PUBLICITY)
    response = client.post(notice.objection_url(), objection_data(candidate))
    assert response.status_code == 302 and Objection.objects.filter(entry=candidate).exists()
    client.force_login(office)
    assert client.get(reverse("wagtailsnippets_roster_person:list")).status_code == 200
    assert all_logs.records, "transitions are logged"
    text, everything = _log_text(all_logs), _log_text(all_logs, with_attributes=True)
    for person in Person.objects.all():
        assert person.id_number not in everything
        assert person.phone not in everything
        assert person.id_number not in text
        assert person.phone not in text
    assert not ID_SHAPED.search(text) and not MOBILE_SHAPED.search(text)


# ---------------------------------------------------------------------------------------------------
# Private files: never public, content-checked, size-limited, renamed
# ---------------------------------------------------------------------------------------------------


def test_evidence_files_live_outside_media_root_and_no_public_url_serves_them(client):
    entry = EntryFactory(status=S.ACTIVE)
    evidence = entry.evidence_files.first()
    path = Path(evidence.file.path).resolve()
    assert path.is_file()
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert STORED_NAME.match(evidence.file.name), evidence.file.name
    for url in (
        f"{settings.MEDIA_URL}{evidence.file.name}",
        f"/private/{evidence.file.name}",
        f"/{evidence.file.name}",
        f"/documents/{evidence.file.name}",
    ):
        assert client.get(url).status_code == 404, url
    # the permission-checked view refuses the public
    response = client.get(reverse("roster_evidence", args=(evidence.pk,)))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


def _upload_revocation(client, entry, name, content):
    return client.post(
        reverse("roster_revocation_add", args=(entry.pk,)),
        {"title": "证明材料", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_admin_upload_with_text_content_under_a_pdf_name_is_refused(office_client):
    entry = EntryFactory(status=S.ACTIVE)
    response = _upload_revocation(office_client, entry, "decision.pdf", b"just some text, not a PDF at all")
    assert "只接受PDF、JPEG或PNG文件" in response.content.decode()
    assert not RevocationEvidence.objects.exists()


def test_admin_upload_with_png_content_under_a_pdf_name_is_not_stored_as_a_pdf(office_client):
    """Content decides the type: PNG bytes named .pdf are refused, or at least stored as what they are."""
    entry = EntryFactory(status=S.ACTIVE)
    response = _upload_revocation(office_client, entry, "decision.pdf", PNG_BYTES)
    stored = RevocationEvidence.objects.first()
    if stored is None:
        assert re.search(r"[\u4e00-\u9fff]", response.content.decode())
    else:
        assert stored.file.name.endswith(".png"), f"PNG content stored as {stored.file.name}"


def test_oversize_uploads_are_refused_in_chinese(office_client, client, demo_site, monkeypatch):
    import roster.files

    monkeypatch.setattr(roster.files, "MAX_UPLOAD_BYTES", 100)
    entry = EntryFactory(status=S.ACTIVE)
    big = PDF_BYTES + b"%" * 200
    response = _upload_revocation(office_client, entry, "big.pdf", big)
    assert "文件超过20MB" in response.content.decode()
    assert not RevocationEvidence.objects.exists()
    office_client.logout()
    notice = demo_site["publicity"]
    candidate = EntryFactory(round=notice.round, status=S.DISTRICT_PUBLICITY)
    public = client.post(
        notice.objection_url(), objection_data(candidate, attachment=SimpleUploadedFile("big.pdf", big))
    )
    assert public.status_code == 400 and "文件超过20MB" in public.content.decode()
    assert not Objection.objects.exists()


def test_public_objection_attachment_checked_by_content_and_renamed(client, demo_site):
    notice = demo_site["publicity"]
    candidate = EntryFactory(round=notice.round, status=S.DISTRICT_PUBLICITY)
    data = objection_data(candidate)
    bad = client.post(
        notice.objection_url(), {**data, "attachment": SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>")}
    )
    assert bad.status_code == 400 and "只接受PDF、JPEG或PNG文件" in bad.content.decode()
    assert not Objection.objects.exists()
    cache.clear()
    original = "举报材料-张三-370402198001011234.pdf"
    good = client.post(notice.objection_url(), {**data, "attachment": SimpleUploadedFile(original, PDF_BYTES)})
    assert good.status_code == 302
    objection = Objection.objects.get()
    assert STORED_NAME.match(objection.attachment.name), objection.attachment.name
    assert "张三" not in objection.attachment.name and "370402198001011234" not in objection.attachment.name
    path = Path(objection.attachment.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert client.get(f"{settings.MEDIA_URL}{objection.attachment.name}").status_code == 404


def test_admin_upload_names_are_generated(office_client):
    entry = EntryFactory(status=S.ACTIVE)
    original = "../../etc/处分决定-李四.pdf"
    _upload_revocation(office_client, entry, original, PDF_BYTES)
    stored = RevocationEvidence.objects.get()
    assert STORED_NAME.match(stored.file.name), stored.file.name
    assert "李四" not in stored.file.name and ".." not in stored.file.name
    evidence = EvidenceFile.objects.filter(entry=entry).first()
    assert "certificate" not in evidence.file.name  # the factory uploads "certificate.pdf"
