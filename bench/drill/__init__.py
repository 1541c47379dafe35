"""The pieces of bench/fault_drill.py: its settings and mail server, data, phones and phases."""

LEASE_SECONDS = 8
# How soon phase e's replacement worker takes back a killed worker's message (production: 1 h).
VISIBILITY_SECONDS = 5
SMTP_SECONDS = 0.3
PASSWORD = "latihan-gangguan-2024"
