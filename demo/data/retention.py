"""The demo's side of retention and personal data: a practice period closed four months ago
whose leftovers `manage.py apply_retention --dry-run` lists, a hold on the Pilkada 2024
period (so the tour's photos and notes are kept, and the hold shows), the office to contact
about personal data, and Sari, a pantarlih whose duty ended with the practice period.

Days are counted from the closed period's first day: -14 is two weeks before it started.
"""

import uuid

from accounts.models import Role
from visits.models import AccessIssueEvent, Visit

CLOSED_PERIOD_NAME = "Latihan coklit rusun (demo, sudah ditutup)"
# Days before today the closed period started and ended.
CLOSED_STARTED, CLOSED_ENDED = 150, 121
# The officer whose duty ended with the practice period (an account of data/people.py).
ENDED_EMAIL = "pantarlih.sari@demo.coklit.id"
HOLD_REASON = (
    "Demo: data Pilkada 2024 disimpan untuk tur demo, seperti penahanan saat sengketa di "
    "Bawaslu, DKPP atau Mahkamah Konstitusi masih berjalan."
)
HOLD_BY = "kpu.provinsi"
PRIVACY_CONTACT = {
    "office": "PPID KPU Provinsi DKI Jakarta (demo)",
    "email": "ppid@demo.coklit.id",
    "phone": "+62214247000",
    "address": "Jl. Salemba Raya No. 15, Paseban, Senen, Jakarta Pusat 10440",
    "hours": "Senin–Jumat 08.00–16.00 WIB",
    "updated_by": "kpu.provinsi",
}
RETENTION_NAMESPACE = uuid.UUID("0b7f6d3e-2c1a-4e5f-8a9b-7c6d5e4f3a21")

# Everything happens at Rusunawa Marunda, walked by Joko for TPS 045.
BUILDING, PANTARLIH, MANAGER, TPS = "marunda", "pantarlih.joko", "pengelola.marunda", "045"

# The housing office's socialisation for Jakarta Utara's managers, two weeks before.
BRIEFING = {
    "title": "Sosialisasi latihan coklit rusun Jakarta Utara",
    "day": -14,
    "hour": 9,
    "place": "Aula UPRS Marunda",
    "organiser": "dinas.perumahan",
    "answered": (-16, 11),  # the manager said yes, and came
}
SCHEDULE = {
    "tower": "Blok B",
    "day": 3,
    "start": 9,
    "end": 12,
    "note": "Latihan door-to-door Blok B bersama petugas UPRS.",
    "reply": "Silakan, petugas UPRS mendampingi dari pos lobi.",
    "decided": (1, 15),
    "proposed": (0, 14),
}
# (key, tower, day, access, note): both turned away, each visit 9.20–9.35.
VISITS = (
    ("blok-b", "Blok B", 3, Visit.Access.DENIED,
     "Petugas jaga meminta surat tugas asli; fotokopi tidak diterima."),
    ("blok-c", "Blok C", 4, Visit.Access.DENIED,
     "Blok C sedang fogging, diminta datang lagi minggu depan."),
)  # fmt: skip
VISIT_ADDRESS = "10.20.30.40"  # the phone's address, as the audit log keeps it
# Raised from the Blok B visit, settled by the manager in the portal the next day.
ISSUE = {
    "description": "Pantarlih TPS 045 ditolak masuk Blok B tanpa surat tugas asli.",
    "raised": (3, 9, 40),
    "resolved": (4, 10),
    "resolution": "Surat tugas asli ditunjukkan esok harinya; akses diberikan.",
}
# (when, who, what, note, with the photo of the photocopied letter as evidence)
ISSUE_HISTORY = (
    ((3, 9, 40), PANTARLIH, AccessIssueEvent.Action.RAISED, "", True),
    ((4, 10), MANAGER, AccessIssueEvent.Action.RESOLVED,
     "Surat tugas asli sudah kami lihat; petugas jaga sudah diberi tahu.", False),
)  # fmt: skip
# Invited for the practice, never signed up: the invitation expired during the period.
NEVER_ACCEPTED = {
    "email": "pantarlih.dimas@demo.coklit.id",
    "full_name": "Dimas Prasetyo",
    "role": Role.PANTARLIH,
    "tps": "046",
    "invited_by": "kpu.provinsi",
    "sent": (-10, 10),
    "expires": (-3, 10),
}
# Sari took TPS 046 when Dimas never signed up: invited, accepted the same day.
ENDED_DUTY = {
    "user": "pantarlih.sari",
    "tps": "046",
    "invited_by": "kpu.provinsi",
    "sent": (-4, 9),
    "expires": (3, 9),
    "accepted": (-4, 13),
}
# How the UPRS head came in: the housing office's invitation, accepted the same day.
MANAGER_WELCOME = {
    "invited_by": "dinas.perumahan",
    "sent": (-30, 9),
    "expires": (-23, 9),
    "accepted": (-30, 15),
}
