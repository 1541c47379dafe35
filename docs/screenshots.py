"""README screenshots of the demo, one per role, in Indonesian (the default language).

Run through bin/screenshots, which serves a throw-away demo database and passes its address:

    .venv/bin/python docs/screenshots.py http://127.0.0.1:8000

Each account signs in in a fresh browser context; every PNG is one viewport (not the full
page) so the files stay small. They are written to docs/screens/.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "demo-coklit-2024"  # demo.data.people.DEMO_PASSWORD
SCREENS = Path(__file__).resolve().parent / "screens"

# Indonesian is the default; the browser asks for it too, so nothing falls back to English.
LANGUAGE = {"locale": "id-ID", "extra_http_headers": {"Accept-Language": "id-ID,id;q=0.9"}}
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1}
# An A4 sheet at 96 dpi, for the lobby poster as printed.
A4 = {"viewport": {"width": 794, "height": 1123}, "device_scale_factor": 1}

# (account, device, [(path, file name)]); a path of None means "the first tower on /lapangan/".
# An account of None: signed out, as a resident who scanned the lobby poster.
SHOTS = [
    ("pengelola.kalibata@demo.coklit.id", A4, [("poster", "warga-poster.png")]),
    (None, PHONE, [("/warga/KBCJKT24/", "warga-ponsel.png")]),
    (
        "pantarlih.rizky@demo.coklit.id",
        PHONE,
        [
            ("/lapangan/", "pantarlih-hari-ini.png"),
            (None, "pantarlih-grid.png"),
            ("queue", "pantarlih-antrean.png"),
        ],
    ),
    (
        "pengelola.kalibata@demo.coklit.id",
        PHONE,
        [("/portal/", "pengelola-portal.png"), ("unit-generator", "pengelola-unit.png")],
    ),
    (
        "kpu.provinsi@demo.coklit.id",
        LAPTOP,
        [("/dasbor/?tanggal=2024-06-28", "kpu-provinsi-dasbor.png")],
    ),
    (
        "kpu.jaksel@demo.coklit.id",
        LAPTOP,
        [
            ("/dasbor/?tanggal=2024-06-28", "kpu-kota-dasbor.png"),
            ("staff-tower", "kpu-kota-tower.png"),
            # The night before (the demo's practice window): what tomorrow still needs.
            ("/dasbor/besok/", "kpu-kota-besok.png"),
        ],
    ),
    (
        "pps.rawajati@demo.coklit.id",
        LAPTOP,
        [("/dasbor/wilayah/31.74.08.1003/penugasan/", "pps-penugasan.png")],
    ),
    ("dinas.perumahan@demo.coklit.id", LAPTOP, [("/dasbor/masalah/", "dinas-masalah.png")]),
    ("bawaslu@demo.coklit.id", LAPTOP, [("/dasbor/?tanggal=2024-06-28", "bawaslu-dasbor.png")]),
    (
        "kpu.jaksel@demo.coklit.id",
        LAPTOP,
        [
            ("/dasbor/peta/?tanggal=2024-06-28", "kpu-kota-peta.png"),
            ("trends", "kpu-kota-tren.png"),
            # Issue 16: who did what at a building, in sentences.
            ("building-history", "kpu-kota-riwayat.png"),
        ],
    ),
    # Issue 16: the admin's import preview of the sample building list, in Indonesian.
    ("kpu.provinsi@demo.coklit.id", LAPTOP, [("import-preview", "admin-impor-pratinjau.png")]),
]

SAMPLES = Path(__file__).resolve().parent / "samples"


def sign_in(page, email):
    page.goto("/akun/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    try:
        page.wait_for_url(lambda url: "/akun/login/" not in url)
    except Exception as error:
        raise SystemExit(f"sign-in as {email} failed: {page.inner_text('main')[:300]}") from error


# The queue's states as the officer sees them (docs/guide-pantarlih.md, what the officer sees): on the grid
# just opened, three units wait on the phone, one was stored and one refused by the server,
# with no signal. The states are written the way static/js/field.js keeps them, then shown
# by field.js itself after a reload.
QUEUE_STATES = """() => {
  const root = document.querySelector('[data-owner]');
  const tiles = [...document.querySelectorAll('a.u.s-unvisited')].slice(0, 5).map(a => +a.dataset.u);
  const now = Date.now(), at = new Date(now).toISOString();
  const it = (unit, outcome, state, extra) => Object.assign({client_uuid: crypto.randomUUID(),
    visit: root.dataset.visit, unit, outcome, voters_verified: 0, voters_removed: 0, voters_new: 0,
    sticker: 'none', recorded_at: at, phone_at: now, offset: 0, state}, extra || {});
  localStorage.setItem('coklit.items.' + root.dataset.owner, JSON.stringify([
    it(tiles[0], 'not_home', 'sent', {acked: now + 60000}),
    it(tiles[1], 'done', 'wait', {voters_verified: 2, sticker: 'placed'}),
    it(tiles[2], 'vacant', 'wait'),
    it(tiles[3], 'not_home', 'wait'),
    it(tiles[4], 'refused', 'bad', {reason: 'Kunjungan tidak dikenal: mulai kunjungan di gedung ini dulu.'}),
  ]));
}"""


def queue_states(page):
    page.evaluate(QUEUE_STATES)
    page.route("**/lapangan/kirim/", lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-queue]:not([hidden])")
    page.locator("a.u.q-bad").scroll_into_view_if_needed()


def staff_tower(page):
    """The first tower of the first building on the kota page, as staff see it (read-only)."""
    page.goto("/dasbor/?tanggal=2024-06-28")
    page.locator("main table a", has_text="Kalibata City").first.click()
    page.wait_for_load_state("load")
    if "/dasbor/tower/" not in page.url:  # the building's row: its first tower
        page.locator("main table a[href*='/dasbor/tower/']").first.click()
        page.wait_for_load_state("load")


def trends(page):
    """The kota's chart and, below it, one small chart per kecamatan."""
    page.goto("/dasbor/?tanggal=2024-06-30")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.querySelector('figure.chart-box').scrollIntoView()")


def poster(page):
    """Kalibata City's lobby poster as it prints (residents app), from the portal's link."""
    page.goto("/portal/")
    page.locator("a[href*='/poster/gedung/']").first.click()
    page.wait_for_load_state("load")
    page.emulate_media(media="print")


def unit_generator(page):
    """Tower Jasmine's generator with the plain pattern typed in: the live preview warns which
    units already there would be doubled, and offers to replace them (nothing is written)."""
    page.goto("/portal/")
    page.locator("main table a", has_text="Tower Jasmine").first.click()
    page.wait_for_load_state("load")
    page.click("#generate > summary")
    page.fill("input[name=units_per_floor]", "8")
    page.wait_for_selector("#unit-preview .warn")
    page.locator("#unit-preview-title").evaluate("e => e.scrollIntoView({block: 'start'})")


def building_history(page):
    """Kalibata City's timeline, from the link on its staff page."""
    page.goto("/dasbor/cari/?q=Kalibata")
    page.locator("main a[href*='/dasbor/gedung/']", has_text="Kalibata City").first.click()
    page.wait_for_load_state("load")
    page.locator("main a[href$='/riwayat/']").first.click()
    page.wait_for_load_state("load")


def import_preview(page):
    """The admin's import of docs/samples/gedung.csv, checked and not yet confirmed."""
    page.goto("/admin/buildings/building/import/")
    page.set_input_files("input[name=import_file]", str(SAMPLES / "gedung.csv"))
    page.click("#content form input[type=submit]")
    page.wait_for_selector("table.import-preview")


def open_page(page, path):
    if path == "building-history":
        building_history(page)
        return
    if path == "import-preview":
        import_preview(page)
        return
    if path == "unit-generator":
        unit_generator(page)
        return
    if path == "poster":
        poster(page)
        return
    if path == "trends":
        trends(page)
        return
    if path == "queue":
        queue_states(page)
        return
    if path == "staff-tower":
        staff_tower(page)
        return
    if path is None:
        page.goto("/lapangan/")
        page.wait_for_load_state("networkidle")
        page.locator("a[href*='/lapangan/tower/']").first.click()
        page.wait_for_load_state("load")
    else:
        response = page.goto(path)
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            raise SystemExit(f"{path}: HTTP {status}")
    page.wait_for_load_state("networkidle")


def main(base_url):
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for email, device, shots in SHOTS:
                context = browser.new_context(base_url=base_url, **device, **LANGUAGE)
                context.set_default_timeout(30_000)
                # No tile server: the map's markers stand on a blank background, on every run.
                context.route(lambda url: not url.startswith(base_url), lambda route: route.abort())
                page = context.new_page()
                if email:
                    sign_in(page, email)
                for path, name in shots:
                    open_page(page, path)
                    target = SCREENS / name
                    page.screenshot(path=str(target), full_page=False)
                    size = target.stat().st_size // 1024
                    print(f"{target.relative_to(SCREENS.parent.parent)}  {size} KB  {page.url}")
                context.close()
        finally:
            browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: docs/screenshots.py BASE_URL (bin/screenshots passes it)")
    main(sys.argv[1].rstrip("/"))
