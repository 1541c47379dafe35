"""The field pages' id-taking URLs for the scope matrix (accounts/tests/test_scope_matrix.py)."""


def targets(world, persona, side):
    """URL name → kwargs of an object on the side of the world this persona must not reach."""
    return {
        "field_grid": {"pk": side["tower"].pk},
        "field_floor": {"pk": side["tower"].pk},
        "field_visit_start": {"pk": side["tower"].pk},
        "field_unit": {"pk": side["unit"].pk},
        "field_visit_end": {"pk": side["visit"].pk},
        "visit_photo": {"pk": side["visit"].pk},
        "issue_evidence": {"pk": _event(side["accessissue"]).pk},
    }


def _event(issue):
    return issue.events.create(actor=issue.raised_by, action="comment", level=issue.level,
                               note="Bukti terlampir.")  # fmt: skip
