"""End to end in Chromium (issue #16): one access issue walks the whole ladder.

A PPS hears by phone that the manager refuses and raises the issue from the building's page;
moves it up to KPU Kota, which records its numbered letter (printed: one A4 page) and moves it
up to Dinas Perumahan, which prints its reprimand and moves it up to Bawaslu, the top step;
KPU Provinsi resolves it. Every email sent on the way is checked: who, what, which link. The
issue and the letter are shared on WhatsApp with the manager, and the building's timeline tells
the whole walk in sentences, for KPU and Bawaslu.
"""

import datetime
import io
import os

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, BuildingManagerFactory, TowerFactory
from conftest import sign_in
from regions.models import Region
from visits.models import AccessIssue, IssueLetter, LetterOffice

pytestmark = [pytest.mark.django_db(transaction=True)]

# Where the screenshots of the letter and the issue page go, to look at them (a scratch folder
# unless SCREENSHOTS_DIR says otherwise).
SHOTS = os.environ.get("SCREENSHOTS_DIR")

DESCRIPTION = (
    "Bagian pengelola menelepon PPS: pantarlih tidak boleh masuk ke Tower Cendana dan Tower "
    "Damar sebelum ada surat resmi dari KPU, dan satpam diminta menolak siapa pun yang "
    "mengaku petugas coklit. Pengelola juga belum memberikan daftar unit yang dihuni, "
    "sehingga jadwal kunjungan dan hari posko belum dapat disepakati. "
) * 3


def _staff(email, role, code=None, **extra):
    from allauth.account.models import EmailAddress

    region = Region.objects.get(code=code) if code else None
    user = UserFactory(email=email, role=role, region=region, language="en", **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ladder():
    building = BuildingFactory(
        name="Apartemen Griya Rawajati",
        kelurahan=Region.objects.get(code="31.74.08.1003"),
        manager_org="PT Griya Rawajati Pengelola Properti Sejahtera",
        address="Jl. Raya Kalibata No. 17, RT 004/RW 006, Rawajati, Pancoran, Jakarta Selatan 12750",
    )
    TowerFactory(building=building, name="Tower Cendana")
    manager = UserFactory(email="pengelola@uji.coklit.id", role="pengelola", language="en",
                          full_name="Bambang Wicaksono Adiputra", phone="+6281288130457")  # fmt: skip
    BuildingManagerFactory(
        building=building, user=manager, is_primary=True, position="Kepala Badan Pengelola"
    )
    LetterOffice.objects.create(
        kota=Region.objects.get(code="31.74"), signatory_name="Rahmat Hidayat, S.H., M.H.",
        signatory_nip="197805122005011003",
        signatory_position="Ketua KPU Kota Administrasi Jakarta Selatan",
        number_pattern="{nomor}/PL.01.2-SD/3174/{tahun}",
        address="Jl. Ampera Raya No. 24, Pasar Minggu, Jakarta Selatan 12550",
    )  # fmt: skip
    return {
        "building": building,
        "manager": manager,
        "pps": _staff("pps@uji.coklit.id", "pps", "31.74.08.1003", full_name="Hendra Gunawan"),
        "pps2": _staff("pps-2@uji.coklit.id", "pps", "31.74.08.1003"),
        "kota": _staff("kota@uji.coklit.id", "kpu_kota", "31.74", is_staff=True),
        "dinas": _staff("dinas@uji.coklit.id", "dinas", full_name="Sri Wahyuni"),
        "bawaslu": _staff("bawaslu@uji.coklit.id", "bawaslu", "31.74"),
        "provinsi": _staff("provinsi@uji.coklit.id", "kpu_provinsi", is_staff=True),
        # Another kota's KPU: told nothing.
        "utara": _staff("utara@uji.coklit.id", "kpu_kota", "31.72"),
    }


def _english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def _as(page, live_server, user):
    page.context.clear_cookies()
    _english(page, live_server)
    sign_in(page, user.email)


def _move_up(page, note):
    page.click("#act-escalate summary")
    page.fill("#act-escalate textarea", note)
    page.check("#act-escalate input[name=escalate-confirm]")
    page.click("#act-escalate button[type=submit]")
    page.wait_for_selector(".messages .success")


def _shot(page, name, tmp_path):
    folder = SHOTS or str(tmp_path)
    page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_one_issue_walks_the_ladder_from_a_pps_report_to_resolution(
    laptop, live_server, ladder, mailoutbox, tmp_path
):
    people, building = ladder, ladder["building"]

    # PPS: told by phone that the manager refuses, raises it from the building's page.
    _as(laptop, live_server, people["pps"])
    laptop.goto(f"/dasbor/gedung/{building.pk}/")
    laptop.click("text=Report an access issue")
    laptop.select_option("select[name=kind]", "manager_refused")
    laptop.fill("textarea[name=description]", DESCRIPTION)
    laptop.click("main form button[type=submit]")
    laptop.wait_for_selector(".messages .success")
    issue = AccessIssue.objects.get(building=building)
    assert laptop.url.endswith(f"/dasbor/masalah/{issue.pk}/")
    assert "2\xa0days left" in laptop.inner_text("#issue-due") or "1\xa0day" in laptop.inner_text(
        "#issue-due"
    )
    # ... and moves it up, after confirming.
    _move_up(laptop, "Pengelola tetap menolak setelah dua kali ditelepon.")
    assert "KPU Kota" in laptop.inner_text("#issue-level")
    assert "You held the step below" in laptop.inner_text("main")  # may still comment

    # KPU Kota: prepares the letter, records it as sent: it takes its number.
    _as(laptop, live_server, people["kota"])
    laptop.goto(f"/dasbor/masalah/{issue.pk}/")
    laptop.click("text=Prepare the letter to the manager")
    assert laptop.input_value("input[name=letter-signatory_name]") == "Rahmat Hidayat, S.H., M.H."
    laptop.click("form.letter-record button[type=submit]")
    laptop.wait_for_selector(".messages .success")
    year = timezone.localdate().year
    number = f"001/PL.01.2-SD/3174/{year}"
    assert laptop.inner_text("#letter-number") == number
    signature = laptop.inner_text("#letter-signatory")
    assert "Rahmat Hidayat" in signature and "NIP. 197805122005011003" in signature
    # Shared with the manager on WhatsApp by its number (not on the printed page).
    share = laptop.get_attribute("a.share-wa", "href")
    assert share.startswith("https://wa.me/6281288130457?text=") and "001%2FPL.01.2-SD" in share
    # The letter prints on one A4 page, signature and copies included.
    laptop.emulate_media(media="print")
    _shot(laptop, "surat-kpu-kota.png", tmp_path)
    pdf = laptop.pdf(format="A4", prefer_css_page_size=True)
    laptop.emulate_media(media="screen")
    printed = PdfReader(io.BytesIO(pdf))
    assert len(printed.pages) == 1, f"the letter prints on {len(printed.pages)} pages"
    text = " ".join(printed.pages[0].extract_text().split())
    for part in (number, "197805122005011003", "Griya Rawajati", "UU 10/2016", "Tembusan"):
        assert part in text, part
    # The manager's clock now runs from the letter's date: two days, to the end of the day.
    laptop.goto(f"/dasbor/masalah/{issue.pk}/")
    due = laptop.inner_text("#issue-due")
    last_day = timezone.localdate() + datetime.timedelta(days=2)
    assert due.startswith(last_day.strftime("%d-%m-%Y 23:59")) and "left" in due
    assert number in laptop.inner_text("#issue-letter")
    assert laptop.get_attribute("a.share-wa", "href").startswith("https://wa.me/6281288130457")
    _shot(laptop, "kendala-kpu-kota.png", tmp_path)
    _move_up(laptop, "Dua hari sejak surat, akses tetap ditolak.")

    # Dinas Perumahan: prints its reprimand, which cites the KPU letter, and moves it up.
    _as(laptop, live_server, people["dinas"])
    laptop.goto(f"/dasbor/masalah/{issue.pk}/")
    laptop.click("text=Dinas Perumahan's reprimand (print)")
    assert number in laptop.inner_text(".letter")
    laptop.emulate_media(media="print")
    reprimand = PdfReader(io.BytesIO(laptop.pdf(format="A4", prefer_css_page_size=True)))
    laptop.emulate_media(media="screen")
    assert len(reprimand.pages) == 1
    laptop.goto(f"/dasbor/masalah/{issue.pk}/")
    _move_up(laptop, "Teguran tidak diindahkan.")

    # Bawaslu, the top step: takes it and comments; it may not resolve.
    _as(laptop, live_server, people["bawaslu"])
    laptop.goto(f"/dasbor/masalah/{issue.pk}/")
    main = laptop.inner_text("main")
    assert "This is the top step" in main and "#act-resolve" not in laptop.content()
    laptop.click("button[value=take]")
    laptop.wait_for_selector(".messages .success")
    laptop.click("#act-comment summary")
    laptop.fill("#act-comment textarea", "Bawaslu menyurati pengelola; rekomendasi menyusul.")
    laptop.click("#act-comment button[type=submit]")
    laptop.wait_for_selector(".messages .success")
    _shot(laptop, "kendala-bawaslu.png", tmp_path)

    # KPU Provinsi resolves it.
    _as(laptop, live_server, people["provinsi"])
    laptop.goto(f"/dasbor/masalah/{issue.pk}/")
    laptop.click("#act-resolve summary")
    laptop.fill("#act-resolve textarea", "Pengelola membuka akses mulai besok pukul 09.00.")
    laptop.click("#act-resolve button[type=submit]")
    laptop.wait_for_selector(".messages .success")

    # The building's timeline tells the walk in sentences, newest first, for KPU and Bawaslu.
    for reader in ("provinsi", "bawaslu"):
        _as(laptop, live_server, people[reader])
        laptop.goto(f"/dasbor/gedung/{building.pk}/")
        laptop.click("text=History of changes")
        story = laptop.inner_text("ol.timeline")
        hendra, sri = people["pps"].full_name, people["dinas"].full_name
        for line in (
            f"{hendra} reported an access issue at Apartemen Griya Rawajati: Manager refuses coklit",
            f"{hendra} moved the access issue at Apartemen Griya Rawajati up to KPU Kota",
            f"recorded letter no. {number} to the manager as sent",
            f"{sri} moved the access issue at Apartemen Griya Rawajati up to Bawaslu",
            "resolved the issue at the Bawaslu step",
        ):
            assert line in story, line
    _shot(laptop, "riwayat-gedung.png", tmp_path)

    issue.refresh_from_db()
    assert (issue.status, issue.level) == ("resolved", "bawaslu")
    assert list(issue.events.values_list("action", "level")) == [
        ("raised", "pps"),
        ("escalated", "kpu_kota"),
        ("letter_sent", "kpu_kota"),
        ("escalated", "dinas"),
        ("escalated", "bawaslu"),
        ("comment", "bawaslu"),  # taking the step is recorded as a comment
        ("comment", "bawaslu"),
        ("resolved", "bawaslu"),
    ]
    assert IssueLetter.objects.get(issue=issue).number == number

    # Every email, in order: whom, about what, with the issue's link where there is a step.
    link = f"{live_server.url}/dasbor/masalah/{issue.pk}/".replace(live_server.url, "")
    sent = [(m.to[0], m.subject) for m in mailoutbox]
    name = "Apartemen Griya Rawajati"
    assert sent == [
        (people["pps2"].email, f"New access issue at {name}, at your step: PPS"),
        (people["kota"].email, f"Access issue at {name} moved up to you: KPU Kota (letter to the manager)"),
        (people["pps2"].email, f"Copy: the access issue at {name} moved up to KPU Kota (letter to the manager)"),
        (people["dinas"].email, f"Access issue at {name} moved up to you: Dinas Perumahan"),
        (people["bawaslu"].email, f"Access issue at {name} reached the top step: Bawaslu"),
        *sorted(
            [(people["manager"].email, f"Access issue at {name} resolved"),
             (people["pps"].email, f"Access issue at {name} resolved")]
        ),
    ]  # fmt: skip
    for mail in mailoutbox[:5]:
        assert link in mail.body, mail.subject
        assert "What this step does:" in mail.body
    assert "Deadline:" in mailoutbox[1].body and "left)" in mailoutbox[1].body
    top = mailoutbox[4].body
    assert "This is the top step of the ladder" in top and "move it up" not in top.lower()
    assert "Pengelola membuka akses" in mailoutbox[5].body
    assert people["utara"].email not in {m.to[0] for m in mailoutbox}
    assert people["provinsi"].email not in {m.to[0] for m in mailoutbox}
