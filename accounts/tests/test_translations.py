"""The Indonesian catalog: complete, compiled, and what the interface actually shows.

Indonesian is the default language, so an untranslated or fuzzy entry shows English to most
users, and a .mo compiled before the last edit of the .po silently serves old text. The .mo is
committed (a fresh machine may lack gettext), which is why its content is checked here.
"""

import ast
import gettext
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from accounts.validators import validate_no_nik
from buildings.imports import buildings_import, import_problems

CATALOG = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr (a list), flags, obsolete.

    Enough of the format for the files makemessages writes; comments other than flags are
    skipped, and each quoted string is read as the C-style literal it is.
    """
    entries = []
    entry = None
    key = None

    def start():
        nonlocal entry
        if entry is None or "msgid" in entry:
            entry = {"flags": set(), "msgstr": {}, "obsolete": False}
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            continue
        if line.startswith("#,"):
            start()
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            start()
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
        else:
            keyword, _, literal = line.partition(" ")
            value = ast.literal_eval(literal)
            if keyword == "msgid":
                start()
                entry["obsolete"] = obsolete
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                key = ("msgstr", index)
                entry["msgstr"][index] = value
            else:
                key = keyword
                entry[keyword] = value
    return [
        {**e, "msgstr": [e["msgstr"][i] for i in sorted(e["msgstr"])]}
        for e in entries
        if "msgid" in e and not e["obsolete"]
    ]


@pytest.fixture(scope="module")
def entries():
    return po_entries(CATALOG / "django.po")


def test_the_parser_reads_plural_multiline_and_escaped_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        "#, fuzzy, python-format\n"
        'msgid ""\n"Line %(line)s, "\n"column \\"%(column)s\\""\n'
        'msgstr "Baris %(line)s, kolom \\"%(column)s\\""\n\n'
        'msgid "One row"\nmsgid_plural "%(counter)s rows"\nmsgstr[0] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Hilang"\n',
        encoding="utf-8",
    )

    header, line, rows = po_entries(po)

    assert header["msgstr"] == ["Language: id\n"]
    assert line["msgid"] == 'Line %(line)s, column "%(column)s"'
    assert line["msgstr"] == ['Baris %(line)s, kolom "%(column)s"']
    assert line["flags"] == {"fuzzy", "python-format"}
    assert (rows["msgid_plural"], rows["msgstr"]) == ("%(counter)s rows", [""])


def test_the_header_declares_indonesian_utf8_and_one_plural_form(entries):
    header = entries[0]["msgstr"][0]

    assert entries[0]["msgid"] == ""
    assert "Language: id\n" in header
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]

    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_have_exactly_the_one_indonesian_form(entries):
    plurals = [e for e in entries if "msgid_plural" in e]

    assert plurals
    assert [e["msgid"] for e in plurals if len(e["msgstr"]) != 1] == []


def test_the_compiled_catalog_holds_every_translation_of_the_po(entries):
    with open(CATALOG / "django.mo", "rb") as mo_file:
        mo = gettext.GNUTranslations(mo_file)

    stale = []
    for entry in entries[1:]:
        if "msgid_plural" in entry:
            got = mo.ngettext(entry["msgid"], entry["msgid_plural"], 1)
        else:
            got = mo.gettext(entry["msgid"])
        if got != entry["msgstr"][0]:
            stale.append(entry["msgid"])

    assert stale == [], "run compilemessages: the .mo is older than the .po"
    assert mo.info()["plural-forms"] == "nplurals=1; plural=0;"


def test_role_labels_come_out_in_indonesian():
    with translation.override("id"):
        assert str(Role.PANTARLIH.label) == "Pantarlih"
        assert str(Role.PENGELOLA.label) == "Pengelola gedung"


def test_the_nik_refusal_is_explained_in_indonesian():
    with translation.override("id"):
        with pytest.raises(ValidationError) as refused:
            validate_no_nik("NIK 3174051203900001")
        message = refused.value.messages[0]  # the message is lazy: read it while "id" is active

    assert message.startswith("Isian ini tampak berisi NIK atau nomor KK (16 digit).")


@pytest.mark.django_db
def test_import_problems_name_the_line_and_column_in_indonesian():
    rows = tablib.Dataset(
        ["Gedung Uji", "apartemen", "Atlantis"], headers=["name", "kind", "kelurahan"]
    )

    with translation.override("id"):
        problems = import_problems(buildings_import(dataset=rows, dry_run=True))

    assert problems == [
        "Baris 2, kolom kelurahan: Kelurahan “Atlantis” tidak dikenal: "
        "tuliskan kode Kemendagri atau nama persisnya."
    ]


@pytest.mark.django_db
def test_home_page_is_indonesian_by_default_and_english_once_chosen(client):
    client.force_login(UserFactory(full_name="Siti Rahma"))

    page = client.get("/").content.decode()
    assert '<html lang="id">' in page
    assert "Selamat datang, Siti" in page
    assert "Keluar" in page
    assert "Pantarlih" in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Welcome, Siti" in page
    assert "Sign out" in page
    assert "Field officer (pantarlih)" in page
