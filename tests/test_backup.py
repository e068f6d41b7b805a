"""backup_site / restore_site (issue 5 item 7, docs/backup.md): a dump restored into an empty, migrated
database gives back every entry, history record, allowance line and private file."""

import datetime
import io
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.documents import get_document_model
from wagtail.models import ModelLogEntry, Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from roster.allowance import approve_run, compute_run
from roster.models import AllowanceLine, Entry, EvidenceFile, Objection, Person
from roster.services import perform
from tests.factories import PDF_BYTES, EntryFactory, RoundFactory, UserFactory
from workflow import roles
from workflow.models import RuleSet
from workflow.states import Status

S = Status
# serialized_rollback: the test empties the database and gives it back its freshly migrated state.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def build_site():
    office = UserFactory(role=roles.OFFICE)
    entries = [
        EntryFactory(status=status)
        for status in (S.DRAFT, S.UNIT_PUBLICITY, S.QUALIFIED, S.REJECTED, S.ACTIVE, S.TERM_ENDED)
    ]
    # Certified through perform(): history rows with data, then an approved allowance run over them.
    for announced in (datetime.date(2022, 3, 10), datetime.date(2021, 12, 20)):
        entry = EntryFactory(status=S.GOVERNMENT_REVIEW, round=RoundFactory(year=announced.year - 1))
        perform(entry, "certify", office, announcement_date=announced)
        entries.append(entry)
    approve_run(compute_run(2023, office), UserFactory(role=roles.OFFICE))  # four-eyes rule
    # An objection attachment (private) and a Wagtail document (public media).
    objection = Objection(
        entry=entries[1], window=Objection.Window.UNIT, submitter_name="张三", submitter_contact="13900000000"
    )
    objection.facts = "反映的事实"
    objection.attachment.save("photo.png", ContentFile(PNG_BYTES), save=True)
    get_document_model().objects.create(title="通知附件", file=ContentFile(PDF_BYTES, name="notice.pdf"))
    return entries


def snapshot():
    entries = [
        {f.attname: getattr(e, f.attname) for f in Entry._meta.concrete_fields} for e in Entry.objects.order_by("pk")
    ]
    history = list(
        ModelLogEntry.objects.filter(content_type__app_label="roster", content_type__model="entry")
        .order_by("pk")
        .values("pk", "object_id", "action", "data", "user_id", "timestamp", "label", "content_type__model")
    )
    lines = list(AllowanceLine.objects.order_by("pk").values())
    files = {}
    for tree in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        root = Path(getattr(settings, tree))
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            files[f"{tree}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return {"entries": entries, "history": history, "lines": lines, "files": files}


def warm_content_type_cache():
    """Django's serialized rollback loads pages before content types: a Wagtail page looked up with a cold
    content-type cache would insert its content type early and clash. restore_site clears that cache."""
    ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)


@pytest.fixture(autouse=True)
def _content_types_cached_for_the_rollback():
    yield
    warm_content_type_cache()


def empty_the_site():
    """A new, migrated database and empty file trees: flush, then the rows the migrations create."""
    warm_content_type_cache()
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    for tree in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        shutil.rmtree(getattr(settings, tree), ignore_errors=True)
    assert not Entry.objects.exists() and RuleSet.objects.count() == 1 and Page.objects.count() == 2


def test_backup_then_restore_into_an_empty_database_gives_everything_back(tmp_path, capsys):
    build_site()
    before = snapshot()
    assert len(before["entries"]) == 8 and len(before["lines"]) >= 3
    assert {e["status"] for e in before["entries"]} >= {S.DRAFT, S.ACTIVE, S.TERM_ENDED, S.REJECTED}
    assert len(before["history"]) > 20 and any(h["data"].get("transition") == "certify" for h in before["history"])
    # The folders are shared by the test session: look for this test's files, whatever else is there.
    ours = [f"files/private/{e.file.name}" for e in EvidenceFile.objects.all()]
    ours += [f"files/private/{o.attachment.name}" for o in Objection.objects.all()]
    ours += [f"files/media/{d.file.name}" for d in get_document_model().objects.all()]
    assert len(ours) == 10  # 8 evidence files, 1 objection attachment, 1 document
    for name in ours:
        tree, relative = name.split("/", 2)[1:]
        assert f"{'MEDIA_ROOT' if tree == 'media' else 'PRIVATE_MEDIA_ROOT'}/{relative}" in before["files"]

    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive))
    assert "备份完成" in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "db.json", *ours} <= names
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup_site", str(archive))

    empty_the_site()
    assert snapshot()["files"] == {}
    call_command("restore_site", str(archive))
    out = capsys.readouterr().out
    assert "恢复完成" in out and "roster.Entry: 8" in out

    after = snapshot()
    for kind in ("entries", "history", "lines"):
        assert len(after[kind]) == len(before[kind])
        differences = [
            (kind, row["id"] if "id" in row else row["pk"], key, value, other.get(key))
            for row, other in zip(before[kind], after[kind], strict=True)
            for key, value in row.items()
            if other.get(key) != value
        ]
        assert differences == []
    assert after["files"] == before["files"]
    # The restored site works: factories, the rule set and the search index are back.
    assert RuleSet.objects.count() == 1 and IndexEntry.objects.exists()
    person = Person.objects.first()
    assert person in list(get_search_backend().search(person.name, Person))
    EntryFactory(status=S.DRAFT)  # sequences continue after the restored ids

    with pytest.raises(CommandError, match="只能恢复到空的"):
        call_command("restore_site", str(archive))


def test_a_bad_archive_is_refused_and_changes_nothing(tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="不是有效的备份文件"):
        call_command("restore_site", str(bad))
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore_site", str(tmp_path / "missing.tar.gz"))

    # A truncated archive and one whose dump was altered after the manifest was written.
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), verbosity=0)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:-200])
    with pytest.raises(CommandError, match="不是有效的备份文件"):
        call_command("restore_site", str(truncated))
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "db.json":
                data = data.replace(b"]", b", {}]", 1)
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="校验失败"):
        call_command("restore_site", str(tampered))
    assert Page.objects.count() == 2 and RuleSet.objects.count() == 1 and not Entry.objects.exists()
