"""Who may read a stored file: a small registry of "readers", each a rule that may say yes.

A file is readable when it may be served at all (scanned clean, bytes kept) and at least one
reader allows the user. Built in: the uploader reads their own file; a citizen reads the files
of their document store (their own, or of an organisation they are an active member of).
Other apps add their rules with :func:`register_reader` (the dossiers app: staff holding
``dossier.view`` over the dossier a file belongs to, the applicant and their delegates).
Whatever no rule allows does not exist for the user: the view answers 404.
"""

from __future__ import annotations

from collections.abc import Callable

from motcua.accounts.models import Membership, User

from .models import StoredFile, StoreItem

Reader = Callable[[User, StoredFile], bool]

_READERS: list[Reader] = []


def register_reader(reader: Reader) -> Reader:
    """Add a rule (usable as a decorator); registering the same rule twice is harmless."""
    if reader not in _READERS:
        _READERS.append(reader)
    return reader


def readers() -> tuple[Reader, ...]:
    return tuple(_READERS)


def may_read(user, stored_file: StoredFile) -> bool:
    if stored_file is None or not stored_file.is_servable:
        return False
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return any(reader(user, stored_file) for reader in _READERS)


@register_reader
def uploader_reads_own_file(user: User, stored_file: StoredFile) -> bool:
    return stored_file.owner_id is not None and stored_file.owner_id == user.pk


@register_reader
def citizen_reads_own_store(user: User, stored_file: StoredFile) -> bool:
    if not user.is_citizen:
        return False
    organisations = Membership.objects.active().filter(person__user=user).values("organisation")
    items = StoreItem.objects.present().filter(file=stored_file)
    return (
        items.filter(owner_person__user=user).exists()
        or items.filter(owner_organisation__in=organisations).exists()
    )
