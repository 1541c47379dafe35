"""Issue #20 end to end in Chromium: the manager prints a tower's poster; a resident scans its
QR code on a 360×640 phone and asks for a visit, with no cookie set; the pantarlih sees the
request on today's page and on the unit's tile, records the unit; the PPS dashboard counts
the request as visited. The poster prints on one A4 page."""

import datetime
import io
import re

import pytest
import segno
from allauth.account.models import EmailAddress
from django.utils import timezone
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingManagerFactory
from conftest import SMALL_PHONE, sign_in
from regions.models import Region
from residents.models import VisitRequest
from visits.tests.factories import ScheduleFactory, field_day

pytestmark = pytest.mark.django_db(transaction=True)


def person(email, **kwargs):
    user = UserFactory(email=email, **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def context(browser, live_server, device):
    ctx = browser.new_context(base_url=live_server.url, **device)
    ctx.set_default_timeout(20_000)
    ctx.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return ctx


def test_poster_to_request_to_visit_to_dashboard(browser, live_server, small_phone, laptop):
    day = field_day(floors=3, units_per_floor=6)
    rawajati = Region.objects.get(code="31.74.08.1003")
    assert day.building.kelurahan == rawajati
    manager = person("pengelola@uji.coklit.id", role="pengelola")
    BuildingManagerFactory(building=day.building, user=manager)
    pps = person("pps.rawajati@uji.coklit.id", role="pps", region=rawajati)
    pantarlih = day.pantarlih
    pantarlih.email = "pantarlih@uji.coklit.id"
    pantarlih.save()
    EmailAddress.objects.create(user=pantarlih, email=pantarlih.email, verified=True, primary=True)
    unit = day.units[7]
    for n in range(4):  # the most a poster lists
        ScheduleFactory(period=day.period, building=day.building, tower=day.tower,
                        date=timezone.localdate() + datetime.timedelta(days=n + 1),
                        kind="posko" if n % 2 else "door_to_door", status="confirmed")  # fmt: skip

    # The manager prints the tower's poster: one A4 page whose code holds the page's address.
    sign_in(laptop, manager.email)
    laptop.goto(f"/poster/tower/{day.tower.pk}/")
    qr_url = laptop.get_attribute(".poster-qr", "data-url")
    assert re.fullmatch(rf"{live_server.url}/warga/[A-Z2-9]{{8}}/\?tower={day.tower.pk}", qr_url)
    # The code drawn is the one that encodes this address (the path of its modules).
    drawn = laptop.get_attribute(".poster-qr svg path", "d")
    made = segno.make(qr_url, error="m").svg_inline(scale=4, border=2, omitsize=True)
    assert f'd="{drawn}"' in made
    laptop.emulate_media(media="print")
    printed = PdfReader(io.BytesIO(laptop.pdf(format="A4", prefer_css_page_size=True)))
    laptop.emulate_media(media="screen")
    assert len(printed.pages) == 1, f"the poster prints on {len(printed.pages)} pages"
    text = "".join(printed.pages[0].extract_text().split())
    short_address = qr_url.split("://")[1].split("?")[0].rstrip("/")
    assert day.building.name.replace(" ", "") in text and short_address in text

    # A resident scans it on a small phone and asks for a visit.
    resident = small_phone
    refused = []  # what the Content-Security-Policy blocked, as Chromium reports it
    resident.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else 0)
    resident.goto(qr_url)
    assert resident.evaluate("document.documentElement.scrollWidth") <= 360
    assert resident.input_value("select[name=tower]") == str(day.tower.pk)
    resident.fill("input[name=unit]", unit.number.lower())
    resident.check("input[name=best_time][value=sore]")
    resident.fill("textarea[name=note]", "Bel rusak, ketuk pintu.")
    resident.click("#minta button[type=submit]")
    resident.wait_for_url("**/terkirim/")
    assert resident.context.cookies() == []
    assert not refused, refused
    request = VisitRequest.objects.get()
    assert (request.unit_id, request.status) == (unit.pk, "open")

    # The pantarlih sees it on today's page and on the unit's tile, and records the unit.
    officer_ctx = context(browser, live_server, SMALL_PHONE)
    officer = officer_ctx.new_page()
    sign_in(officer, pantarlih.email)
    officer.wait_for_url("**/lapangan/")
    assert unit.number in officer.inner_text(".requests")
    officer.goto(f"/lapangan/tower/{day.tower.pk}/")
    tile = f'a.u[data-u="{unit.pk}"]'
    assert officer.inner_text(f"{tile} em.rq") == "asked · afternoon"
    officer.click(tile)
    officer.click("#rec-form label.o-done_placed")
    officer.fill("#rec-form input[name=voters_verified]", "2")
    officer.click("#rec-form button[type=submit]")
    officer.wait_for_selector(f"{tile}.q-sent")
    assert officer.locator(f"{tile} em.rq").count() == 0
    officer_ctx.close()
    request.refresh_from_db()
    assert request.status == "visited"

    # The PPS dashboard counts it as visited, none open.
    staff_ctx = context(browser, live_server, {"viewport": {"width": 1366, "height": 768}})
    staff = staff_ctx.new_page()
    sign_in(staff, pps.email)
    staff.goto("/dasbor/wilayah/31.74.08.1003/")
    section = staff.inner_text("#resident-requests")
    assert "0 open" in section and "1 visited" in section and "median time to a visit" in section
    staff_ctx.close()
