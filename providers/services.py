"""Writes of providers: practices and care groups. Every write validates fully (AGB, KvK, postcode) and is
audited; invalid input raises a ValidationError with Dutch messages and saves nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.numbers import count

from .models import CareGroup, InsuredCount, Practice

PRACTICE_FIELDS = ("name", "agb_code", "kvk_number", "street", "postcode", "city", "region",
                   "registered_patients", "preferred_insurer")


def practice_create(*, actor, **fields) -> Practice:
    practice = Practice(**{k: v for k, v in fields.items() if k in PRACTICE_FIELDS})
    practice.full_clean()
    with transaction.atomic():
        practice.save()
        audit_record(actor=actor, verb="providers.practice.created", obj=practice,
                     after={"agb_code": practice.agb_code, "name": practice.name})
    return practice


def practice_update(*, actor, practice: Practice, **fields) -> Practice:
    with transaction.atomic():
        locked = Practice.objects.select_for_update().get(pk=practice.pk)
        before = {k: getattr(locked, f"{k}_id" if k in ("region", "preferred_insurer") else k) for k in fields}
        for key, value in fields.items():
            if key not in PRACTICE_FIELDS:
                raise ValueError(f"unknown field {key}")
            setattr(locked, key, value)
        locked.full_clean()
        if "registered_patients" in fields:
            insured = InsuredCount.objects.filter(practice=locked).aggregate(n=Sum("insured"))["n"] or 0
            if insured > locked.registered_patients:
                message = _("De verzekeraars hebben samen %(insured)s verzekerden onder de patiënten van deze "
                            "praktijk vastgelegd; het aantal ingeschreven patiënten kan niet lager zijn.")
                raise ValidationError({"registered_patients": [message % {"insured": count(insured)}]})
        locked.save(update_fields=list(fields))
        after = {k: getattr(locked, f"{k}_id" if k in ("region", "preferred_insurer") else k) for k in fields}
        if before != after:
            audit_record(actor=actor, verb="providers.practice.changed", obj=locked, before=before, after=after)
    return locked


def care_group_set_members(*, actor, care_group: CareGroup, practices) -> CareGroup:
    with transaction.atomic():
        locked = CareGroup.objects.select_for_update().get(pk=care_group.pk)
        before = sorted(locked.practices.values_list("pk", flat=True))
        locked.practices.set(practices)
        after = sorted(p.pk for p in practices)
        if before != after:
            audit_record(actor=actor, verb="providers.care_group.members_changed", obj=locked,
                         before={"practices": before}, after={"practices": after})
    return locked
