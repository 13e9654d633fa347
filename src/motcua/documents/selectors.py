"""Reads of the document store, always through the person asking: what is not theirs does not
exist for them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.accounts.models import Membership, Person, User

from .models import StoredFile, StoreItem


def store_of_person(person: Person) -> QuerySet[StoreItem]:
    """The items of a person's store they have not removed, newest first."""
    return StoreItem.objects.present().filter(owner_person=person).select_related("file")


def store_item_for(user: User, public_id) -> StoreItem | None:
    """An item of the user's own store, or of an organisation they are an active member of."""
    if not user.is_authenticated:
        return None
    organisations = Membership.objects.active().filter(person__user=user).values("organisation")
    return (
        StoreItem.objects.present()
        .filter(Q(owner_person__user=user) | Q(owner_organisation__in=organisations))
        .filter(public_id=public_id)
        .select_related("file", "owner_person", "owner_organisation")
        .first()
    )


def stored_file(public_id) -> StoredFile | None:
    """A file by its public id, for an access check to decide (:func:`access.may_read`)."""
    return StoredFile.objects.filter(public_id=public_id).first()
