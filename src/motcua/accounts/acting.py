"""On whose behalf a citizen is working: themself, an organisation they are a member of, or a
person or organisation that delegated them. The choice lives in the session and is checked
again on every request (a membership may end, a delegation expire or be revoked)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import Delegation, Membership, Organisation, Person, User

ACTING_KEY = "motcua_acting"
SELF = "self"


@dataclass(frozen=True)
class Acting:
    """The actor (``user``/``person``) and, when not themself, the principal and how."""

    user: User
    person: Person | None
    organisation: Organisation | None = None
    principal_person: Person | None = None
    membership: Membership | None = None
    delegation: Delegation | None = None
    key: str = SELF
    procedure_ids: frozenset[int] | None = field(default=None, compare=False)

    @property
    def on_behalf(self) -> bool:
        return self.key != SELF

    @property
    def principal_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        if self.principal_person is not None:
            return self.principal_person.full_name
        return self.person.full_name if self.person else str(self.user)

    @property
    def label(self) -> str:
        if self.membership is not None:
            return _("%(org)s (thành viên: %(role)s)") % {
                "org": self.organisation.name,
                "role": self.membership.get_role_display(),
            }
        if self.delegation is not None:
            return _("%(name)s (được ủy quyền đến %(until)s)") % {
                "name": self.principal_name,
                "until": self.delegation.valid_until.strftime("%d/%m/%Y"),
            }
        return _("Bản thân tôi")

    def may_file(self, procedure_id: int) -> bool:
        """Whether this context may file or follow dossiers of that procedure."""
        return self.procedure_ids is None or procedure_id in self.procedure_ids

    def audit_fields(self) -> dict:
        """``core.audit.record`` arguments that say for whom the actor acted."""
        if not self.on_behalf:
            return {}
        fields: dict = {"on_behalf_of_organisation": self.organisation}
        if self.principal_person is not None:
            fields["on_behalf_of"] = self.principal_person.user
        if self.delegation is not None:
            fields["delegation"] = self.delegation.pk
        return fields


def options(user: User) -> list[Acting]:
    """Every context the user may choose now: themself first, then organisations, then
    delegations in force."""
    person = Person.objects.filter(user=user).first()
    result = [Acting(user=user, person=person)]
    if person is None:
        return result
    memberships = (
        Membership.objects.active().filter(person=person).select_related("organisation")
    ).order_by("organisation__name")
    result += [
        Acting(
            user=user,
            person=person,
            organisation=m.organisation,
            membership=m,
            key=f"org:{m.organisation.public_id}",
        )
        for m in memberships
    ]
    delegations = (
        Delegation.objects.in_force()
        .filter(agent=person)
        .select_related("principal_person__user", "principal_organisation")
        .prefetch_related("procedures")
    )
    result += [
        Acting(
            user=user,
            person=person,
            organisation=d.principal_organisation,
            principal_person=d.principal_person,
            delegation=d,
            key=f"del:{d.public_id}",
            procedure_ids=frozenset(p.pk for p in d.procedures.all()),
        )
        for d in delegations
    ]
    return result


def current(request: HttpRequest) -> Acting | None:
    """The context of this request (themself when the chosen one no longer holds)."""
    user = request.user
    if not user.is_authenticated or not user.is_citizen:
        return None
    cached = getattr(request, "_motcua_acting", None)
    if cached is not None:
        return cached
    key = request.session.get(ACTING_KEY, SELF)
    choices = options(user) if key != SELF else None
    acting = next((a for a in choices or () if a.key == key), None)
    if acting is None:
        if key != SELF:
            request.session.pop(ACTING_KEY, None)
        person = Person.objects.filter(user=user).first()
        acting = Acting(user=user, person=person)
    request._motcua_acting = acting
    return acting


def choose(request: HttpRequest, key: str) -> Acting | None:
    """Switch to the context ``key`` (None if the user may not)."""
    acting = next((a for a in options(request.user) if a.key == key), None)
    if acting is None:
        return None
    if acting.on_behalf:
        request.session[ACTING_KEY] = key
    else:
        request.session.pop(ACTING_KEY, None)
    request._motcua_acting = acting
    return acting
