"""The manager portal's URLs for the scope matrix (accounts/tests/test_scope_matrix.py).

Portal pages open only for managers, and only for their own buildings: every other persona,
and a manager of the other side, gets a 404 for these objects.
"""


def targets(world, persona, side):
    building, tower = side["building"], side["tower"]
    return {
        "portal_building": {"pk": building.pk},
        "portal_building_edit": {"pk": building.pk},
        "portal_tower_add": {"pk": building.pk},
        "portal_occupancy_upload": {"pk": building.pk},
        "portal_schedules": {"pk": building.pk},
        "portal_issues": {"pk": building.pk},
        "portal_tower": {"pk": tower.pk},
        "portal_tower_preview": {"pk": tower.pk},
        "portal_floor": {"pk": tower.pk, "floor": side["unit"].floor},
        "portal_schedule": {"pk": side["schedule"].pk},
        "portal_schedule_ics": {"pk": side["schedule"].pk},
        "portal_schedule_notice": {"pk": side["schedule"].pk},
        "portal_issue_reply": {"pk": side["accessissue"].pk},
    }
