"""The demo's practice window around today, so the field pages, the portal and the residents'
page can be tried live: tomorrow's plan at Kalibata City, its public page and posters, and
two residents' requests, one of them closed by a visit.

- Tower Jasmine J-0806 asked yesterday, for the afternoon: open, on Rizky's phone today.
- Tower Jasmine J-0703 asked three days ago, for the evening, with a WhatsApp number; Rizky
  visited it yesterday evening (coklit done), which closed the request and erased the number.
"""

import datetime
import uuid

from residents.models import VisitRequest
from visits.models import Schedule

PRACTICE_PERIOD_NAME = "Simulasi coklit (demo)"
# Days before and after today the practice window spans, moved whenever the demo is seeded.
WINDOW_BEFORE, WINDOW_AFTER = 7, 23

# A posko day the Kalibata City PPS proposed for tomorrow, waiting for the manager's answer.
POSKO_TOMORROW = {
    "building": "kalibata",
    "proposed_by": "pps.rawajati",
    "start": datetime.time(9),
    "end": datetime.time(15),
    "note": "Posko coklit di lobi Tower Jasmine untuk warga yang bekerja di siang hari.",
}

# The rest of tomorrow's plan at Kalibata City, for the tomorrow page (/dasbor/besok/): a visit
# the manager confirmed, and the manager's own posko day at Tower Gaharu (no pantarlih there
# yet), waiting for the KPU side's answer. (tower, kind, from, to, proposed by, note)
TOMORROW_MANAGER = "pengelola.kalibata"
TOMORROW_PLAN = (
    ("Tower Herbras", Schedule.Kind.DOOR_TO_DOOR, 16, 19, "pps.rawajati",
     "Kunjungan sore untuk lantai 9–16."),
    ("Tower Gaharu", Schedule.Kind.POSKO, 16, 20, "pengelola.kalibata",
     "Posko di lobi Tower Gaharu sepulang kerja; meja dan kursi dari pengelola."),
)  # fmt: skip

# Kalibata City's public page in the demo: /warga/KBCJKT24/ (fixed, so the README can link it).
DEMO_TOKEN = "KBCJKT24"
REQUEST_NAMESPACE = uuid.UUID("5d0c8e8a-7f0e-4b7a-9d6c-2a1b3c4d5e6f")

OPEN_REQUEST = {
    "unit": "J-0806",
    "best_time": VisitRequest.BestTime.AFTERNOON,
    "note": "Kami pulang kerja sekitar pukul 17.30.",
    "asked": datetime.timedelta(days=1, hours=3),  # before now
}
VISITED_REQUEST = {
    "unit": "J-0703",
    "best_time": VisitRequest.BestTime.EVENING,
    "note": "Bel rusak, mohon ketuk pintu.",
    "callback_phone": "+6281200007031",
    "asked": datetime.timedelta(days=3),
}
# Rizky's visit for it, yesterday evening.
REQUEST_VISIT = {
    "pantarlih": "pantarlih.rizky",
    "started": datetime.time(18, 40),
    "minutes": 25,
    "recorded_after": 12,  # minutes into the visit
    "voters_verified": 3,
    "note": "Kunjungan sore atas permintaan warga lewat halaman gedung.",
}
