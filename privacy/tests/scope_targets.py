"""The personal-data pages of an account for the URL × persona matrix
(accounts/tests/test_scope_matrix.py): KPU Provinsi only, so a 404 for every persona there,
whatever side the account is on (privacy/tests/test_person.py opens them for KPU Provinsi)."""


def targets(world, persona, side):
    account = {"object_id": side["user"].pk}
    return {
        f"admin:accounts_user_{name}": account
        for name in ("person", "person_json", "person_html", "person_erase")
    }
