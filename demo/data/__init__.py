"""What the demo shows, as data: places.py (buildings, towers, occupancy), people.py (accounts,
managers, assignments, invitations), fieldwork.py (the Pilkada 2024 week's schedules and
visits), issues.py (access issues and letters), practice.py (the window around today and the
residents' requests), retention.py (the closed practice period and the hold on 2024)."""
