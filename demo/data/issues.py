"""The demo's access issues and letters: security turned a pantarlih away at Kalibata City's
Tower Flamboyan in June 2024 (settled by KPU Jakarta Selatan's letter no. 001 of 2024), and
this week Apartemen Taman Rasuna's manager refuses the pantarlih and the issue climbs the
ladder up to Dinas Perumahan."""

import datetime

from demo.data.fieldwork import wib
from visits.models import AccessIssue, AccessIssueEvent

# The visit the Kalibata City issue was raised from (a key of fieldwork.VISITS).
KALIBATA_VISIT = "kalibata-flamboyan-2024-06-27"
KALIBATA_ISSUE = {
    "description": (
        "Pantarlih TPS 023 ditolak masuk Tower Flamboyan oleh petugas keamanan "
        "(vendor keamanan belum menerima pemberitahuan dari pengelola)."
    ),
    "level": AccessIssue.Level.KPU_KOTA,
    "status": AccessIssue.Status.IN_PROGRESS,
    "raised_by": "pantarlih.fitri",
    "handled_by": "kpu.jaksel",
    "due_at": wib(1, 16, 0, month=7),
    "created_at": wib(27, 10, 5),
}

_Step, _Level = AccessIssueEvent.Action, AccessIssue.Level
# Its history, as the field app and dashboard/escalation.py write it: each event at the level
# the issue had once the act was done. PPS had two days (STEP_DAYS), then moved it up.
# (when, who, what, level, note)
KALIBATA_HISTORY = (
    (wib(27, 10, 5), "pantarlih.fitri", _Step.RAISED, _Level.PPS, ""),
    (
        wib(29, 16, 0),
        "pps.rawajati",
        _Step.ESCALATED,
        _Level.KPU_KOTA,
        "Dua hari dihubungi, vendor keamanan tetap menunggu surat dari pengelola. "
        "Mohon KPU Kota mengirim surat resmi kepada pengelola.",
    ),
    (
        wib(30, 9, 0),
        "kpu.jaksel",
        _Step.COMMENT,
        _Level.KPU_KOTA,
        "Mengambil alih penanganan tahap ini.",
    ),
    (
        wib(30, 14, 30),
        "pengelola.kalibata",
        _Step.MANAGER_REPLY,
        _Level.KPU_KOTA,
        "Pemberitahuan sudah kami teruskan ke vendor keamanan. Pantarlih dapat datang "
        "Senin 1 Juli pukul 10.00 dan melapor ke pos keamanan lobi Tower Flamboyan.",
    ),
)

# KPU Jakarta Selatan's letters: its signatory and the number pattern of the office.
LETTER_KOTA = "31.74"
SIGNATORY = {
    "signatory_name": "Rahmat Hidayat, S.H., M.H.",
    "signatory_nip": "197805122005011003",
    "signatory_position": "Ketua KPU Kota Administrasi Jakarta Selatan",
}
LETTER_OFFICE = {
    **SIGNATORY,
    "number_pattern": "{nomor}/PL.01.2-SD/3174/{tahun}",
    "address": "Jl. Ampera Raya No. 24, Pasar Minggu, Jakarta Selatan 12550",
}
# The Kalibata City letter, printed from its issue page.
KALIBATA_LETTER_SENT_ON = datetime.date(2024, 6, 30)
KALIBATA_LETTER_AT = wib(30, 11, 0)

# Apartemen Taman Rasuna, this week: raised by KPU Jakarta Selatan four days ago, moved
# straight to KPU Kota, a letter three days ago, then up to Dinas Perumahan.
RASUNA_ISSUE = (
    "Pengelola menyampaikan lewat telepon bahwa pantarlih tidak diizinkan masuk "
    "sebelum ada surat resmi; data unit juga belum diberikan."
)
RASUNA_FIRST_STEP = "Belum ada PPS yang terdaftar di Menteng Atas: langsung ke KPU Kota."
RASUNA_SECOND_STEP = (
    "Dua hari setelah surat, pengelola tetap menolak. Mohon teguran Dinas Perumahan."
)
