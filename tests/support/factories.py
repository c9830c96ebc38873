"""Factories that add realistic rows to the session (the caller commits)."""

import itertools

from werkzeug.security import generate_password_hash

from wellbeing.accounts.models import Role, User
from wellbeing.extensions import db

PASSWORD = "correct horse battery staple"
# Hashing is slow on purpose; one hash serves every test user.
_PASSWORD_HASH = generate_password_hash(PASSWORD)
_numbers = itertools.count(1)


def make_user(role: Role = Role.REFERRER, **fields: object) -> User:
    number = next(_numbers)
    values: dict[str, object] = {
        "email": f"{role.value.replace('_', '-')}{number}@example.org",
        "name": f"Test {role.label} {number}",
        "role": role,
        "active": True,
        "password_hash": _PASSWORD_HASH,
    }
    values.update(fields)
    user = User(**values)
    db.session.add(user)
    db.session.flush()
    return user
