"""Hand-built e-forms shipped with motcua, installed by ``motcua bootstrap``."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

HERE = Path(__file__).resolve().parent


def install_bundled_forms() -> int:
    """Publish each bundled spec once (a changed file becomes a new version)."""
    from motcua.catalog.models import Procedure

    from ..generate import spec_hash
    from ..models import FormDefinition
    from ..selectors import next_version
    from ..spec import parse_spec

    installed = 0
    for path in sorted(HERE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        procedure = Procedure.objects.filter(code=data["procedure"]).first()
        if procedure is None:
            continue
        parse_spec(data["spec"])  # a broken bundled file must fail loudly
        digest = spec_hash(data["spec"])
        existing = FormDefinition.objects.filter(
            procedure=procedure, generated=False, province__isnull=True, source_hash=digest
        )
        if existing.exists():
            continue
        with transaction.atomic():
            FormDefinition.objects.filter(
                procedure=procedure, generated=False, province__isnull=True, status="published"
            ).update(status="retired")
            FormDefinition.objects.create(
                procedure=procedure,
                version=next_version(procedure),
                status="published",
                title=data["title"],
                spec=data["spec"],
                source_hash=digest,
                published_at=timezone.now(),
            )
        installed += 1
    return installed
