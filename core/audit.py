from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEvent


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    import json

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_event(
    *,
    actor,
    verb: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """One audit row, not saved yet: what audit_record writes, for callers that write many at once
    (AuditEvent.objects.bulk_create) inside the transaction of the changes they describe."""
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        before=_jsonable(before),
        after=_jsonable(after),
    )


def audit_record(
    *,
    actor,
    verb: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction of the change it describes."""
    event = audit_event(actor=actor, verb=verb, obj=obj, before=before, after=after)
    event.save(force_insert=True)
    return event
