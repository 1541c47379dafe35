"""Coverage, the one home of its rules and figures: how much of a region, building or tower coklit has closed, and what lags.

Every figure is read from the towers' totals, which triggers on the units table keep in the
same statement as every write to a unit (buildings.models.TowerTotals, TowerClosedDay). A
page sums towers, never units, and rolls them up in Python: towers into buildings, buildings
into kelurahan, kecamatan and kota by their Kemendagri codes. So every level takes a fixed
number of queries whose time follows the number of towers, not of units or outcomes.

The figures are those of the units' current state: when a new coklit period starts, the
units' statuses and totals belong to the old one until they are reset for the new window.

The province overview (6,000 towers at Jakarta scale) is served from a snapshot kept in the
cache — its total, each kota, the buildings most at risk and the daily series: Celery beat
recomputes it every COVERAGE_SNAPSHOT_SECONDS. A page that finds none computes it under a
lock, so concurrent pages wait for one computation rather than each doing their own; the page
says when it was taken. Kota and smaller pages are computed on each request.
"""
