"""The embedded installation's demo dossiers: every state of the lifecycle, real timelines,
something in every demo staff member's queue."""

from __future__ import annotations

import pytest

from motcua.core.demo import create_demo_accounts, create_demo_dossiers
from motcua.dossiers import selectors, workflow
from motcua.dossiers.models import Dossier, DossierEvent

pytestmark = pytest.mark.django_db


def test_the_demo_has_300_dossiers_in_every_state_with_their_history():
    from motcua.accounts.models import User

    create_demo_accounts()
    assert create_demo_dossiers() == 300
    assert create_demo_dossiers() == 0  # once
    demo = Dossier.objects.filter(submitted_by__username__startswith="demo-applicant-")
    assert demo.count() == 300
    assert {workflow.state_of(d) for d in demo} == set(workflow.STATES)
    assert len(set(demo.values_list("code", flat=True))) == 300
    finished = demo.exclude(timing_legal="")
    assert {"early", "late"} <= set(finished.values_list("timing_legal", flat=True))
    for dossier in demo.filter(status=10)[:20]:
        times = list(DossierEvent.objects.filter(dossier=dossier).values_list("at", flat=True))
        assert times == sorted(times)
        assert times[0] >= dossier.submitted_at
    for username in ("motcua.lamdong", "chuyenvien.lamdong", "lanhdao.lamdong", "motcua.xa"):
        user = User.objects.get(username=username)
        queue = selectors.work_queue(user, selectors.QueueFilters())
        assert queue.exists(), username
