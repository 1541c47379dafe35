"""What the load test offers and what it must meet: rates, budgets, targets, the table's rows."""

PERIOD_NAME = "Uji beban (bench/load_test.py)"
DASHBOARD_DATE = "2024-07-10"  # seed_scale's outcomes lie in the Pilkada 2024 window

# The morning peak offered, requests per second. 100 submissions/s is issue #8's budget, about
# 3,000 pantarlih at work at once each recording a unit every 30 seconds; they open their day
# and grids far less often (the grid updates itself as they record). Managers and staff are few.
RATES = {
    "submit": 100.0,  # POST /lapangan/kirim/, one outcome
    "batch": 0.5,  # POST /lapangan/kirim/, --batch outcomes: a phone back from an offline hour
    "today": 4.0,  # GET /lapangan/
    "grid": 8.0,  # GET /lapangan/tower/<id>/
    "portal": 2.0,  # GET /portal/
    "schedule": 1.0,  # GET /portal/jadwal/<id>/
    "confirm": 1.0,  # POST /portal/jadwal/<id>/ action=confirm
    # Every dashboard level, each request a different region that has buildings: 267 PPS,
    # 44 PPK, 6 KPU Kota and the province check their coverage in the morning too.
    "building": 1.0,  # GET /dasbor/gedung/<id>/
    "kelurahan": 1.0,  # GET /dasbor/wilayah/<kelurahan>/
    "kecamatan": 0.5,  # GET /dasbor/wilayah/<kecamatan>/
    "kota": 0.5,  # GET /dasbor/wilayah/<kota>/
    "province": 0.5,  # GET /dasbor/wilayah/31/
}
# Budgets on server time p95, ms (DESIGN.md): field and portal pages 100, every dashboard
# level 150 (issue #19), during the peak.
DASHBOARD_LEVELS = ("building", "kelurahan", "kecamatan", "kota", "province")
BUDGET_MS = {"today": 100, "grid": 100, "portal": 100, "schedule": 100, "confirm": 100,
             "submit": 100, **dict.fromkeys(DASHBOARD_LEVELS, 150)}  # fmt: skip
# Issue #19: a submission at least half the one-INSERT view's rate; a batch ≥ 2,000 outcomes/s.
TARGET_SUBMIT_OVER_INSERT = 0.5
TARGET_BATCH_OUTCOMES_PER_S = 2000
YARDSTICKS = {
    "ping": "GET /ping (no session)",
    "signed_in": "signed-in no-op",
    "insert": "signed-in one-INSERT view",
    "submit": "outcome submission (1)",
    "batch": "outcome batch",
}
# The table's rows in this order; `retry` and `race` are the peak's resent and raced sends.
ORDER = [*YARDSTICKS, "retry", "race", *RATES]
OUTCOMES = ["done"] * 5 + ["not_home"] * 2 + ["refused", "security_refused", "vacant"]
