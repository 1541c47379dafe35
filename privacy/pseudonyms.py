"""How a person is named once their name may not be shown, and what is never read as anyone's
text: shared by a person's copy (privacy/person.py) and their erasure (privacy/erasure.py).

Another person in a copy, and an erased account everywhere, appear as a pseudonym: the role in
the institution's own words and the account's number ("KPU Kota #12", "Pantarlih #1234").
"""

from accounts.models import Role

# How a role is named in a pseudonym: the institution's own word, the same in both languages.
PSEUDONYM_ROLE = {
    Role.KPU_PROVINSI: "KPU Provinsi",
    Role.KPU_KOTA: "KPU Kota",
    Role.PPK: "PPK",
    Role.PPS: "PPS",
    Role.DINAS: "Dinas Perumahan",
    Role.BAWASLU: "Bawaslu",
    Role.PENGELOLA: "Pengelola",
    Role.PANTARLIH: "Pantarlih",
}
# Secrets and signed data: never in an export, never text a person wrote.
SECRET_FIELDS = {
    ("accounts", "user", "password"),
    ("accounts", "invitation", "nonce"),
    ("account", "emailconfirmation", "key"),
    ("sessions", "session", "session_data"),
}


def pseudonym(user) -> str:
    return f"{PSEUDONYM_ROLE.get(user.role, 'Akun')} #{user.pk}"


def pseudonym_email(user) -> str:
    return f"anonim-{user.pk}@pseudonim.invalid"
