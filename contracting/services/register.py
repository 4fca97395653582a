"""The public register of contracted providers per insurer and year (GCP: public from 19 November).

The register is a publication: it is written once, when it is published, and read from then on.

- On 19 November (the milestone's effect, register_publish) every insurer's register for year Y is written: one
  line per practice or care group with a signed contract of that insurer covering Y, and one per contract
  signed with another insurer that this insurer followed, fully or partly ("volgcontract"), each with the name,
  AGB code and city as they are at that moment.
- After publication a line is only ever added, never changed or removed: signing closed on 7 November, so the
  own contracts are complete when the register appears, but follow decisions are due by 1 January, after
  publication. A contract an insurer follows later is added to its published register when the decision is
  taken (follow_request_decide calls register_add_offer), and so is a signature that an administrator's later
  end of signing let through. A register published for Y therefore grows with volgcontracten until 1 January,
  and what it once said stays said.
- Decisions are final (a followed contract cannot be declined afterwards, a signature not withdrawn), so adding
  is all a register ever needs.

Which offers count (the rule, in one place: _contracted): signed offers whose standard contract covers Y, and
offers followed or partly followed by another insurer whose contract covers Y; only insurers whose register
for Y is published.

Reading does not depend on the register's size: register_entries pages through an index in the register's
order (a later page skips the lines before it in that index), the number of lines is kept on each publication,
and the CSV streams rows from one cursor, so its memory stays the same however long the file.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from django.db import transaction
from django.db.models import Case, CharField, QuerySet, Value, When
from django.db.models.functions import Coalesce

from insurers.models import Insurer

from ..models import FollowRequest, HolderKind, Offer, RegisterEntry, RegisterPublication, covering

# The columns of a register line, in the order the page, the API and the CSV read them.
ENTRY_FIELDS = ("insurer_name", "insurer_id", "name", "agb_code", "city", "kind", "via")
WRITE_BATCH = 2000


def register_publish(*, year: int, effective_at: datetime) -> int:
    """Publish every insurer's register for `year` (the 19 November milestone) and write its lines. Idempotent:
    a second run adds nothing. Returns the number of insurers."""
    with transaction.atomic():
        rows = [RegisterPublication(insurer=i, year=year, published_at=effective_at) for i in Insurer.objects.all()]
        RegisterPublication.objects.bulk_create(rows, ignore_conflicts=True)
        _write(year=year, insurer_ids=[row.insurer_id for row in rows], added_at=effective_at)
    return len(rows)


def register_add_offer(*, offer: Offer, insurer_id: int, now: datetime) -> int:
    """Add `offer` to `insurer_id`'s registers that are already published and should list it (see the module
    docstring): its own insurer's once it is signed, a following insurer's once it decided to follow. For the
    services that sign and decide, inside their transaction; before publication it finds nothing to do (one
    query). Returns the number of lines added."""
    contract = offer.standard_contract
    years = RegisterPublication.objects.filter(
        insurer_id=insurer_id, year__gte=contract.first_year, year__lt=contract.first_year + contract.term_years,
    ).values_list("year", flat=True)
    return sum(_write(year=year, insurer_ids=[insurer_id], added_at=now, offer_id=offer.pk)
               for year in sorted(years))


def _holder(prefix: str) -> dict:
    """The holder's columns of a line (a practice or a care group), read through `prefix` ("" from an offer,
    "offer__" from a follow request)."""
    return {
        "line_kind": Case(When(**{f"{prefix}practice__isnull": False}, then=Value(HolderKind.PRACTICE)),
                          default=Value(HolderKind.CARE_GROUP), output_field=CharField()),
        "line_name": Coalesce(f"{prefix}practice__name", f"{prefix}care_group__name"),
        "line_agb": Coalesce(f"{prefix}practice__agb_code", f"{prefix}care_group__agb_code", Value("")),
        "line_city": Coalesce(f"{prefix}practice__city", Value("")),
    }


def _covering(queryset: QuerySet, prefix: str, year: int) -> QuerySet:
    """Rows whose offer's standard contract covers `year` (models.covering: a contract runs up to 5 years), so
    a multi-year contract is in every register of its term without being signed again."""
    return covering(queryset, year, f"{prefix}standard_contract__")


def _contracted(year: int, insurer_ids, offer_id: int | None = None) -> Iterator[tuple]:
    """(insurer_id, offer_id, via, kind, name, agb_code, city) of every line that the registers of
    `insurer_ids` for `year` hold (only those of one offer, if given): the rule of the module docstring.
    Two queries, read with a cursor."""
    columns = ("line_kind", "line_name", "line_agb", "line_city")
    own = _covering(Offer.objects.filter(status=Offer.Status.SIGNED, insurer_id__in=insurer_ids), "", year)
    if offer_id is not None:
        own = own.filter(pk=offer_id)
    for insurer_id, pk, *holder in own.annotate(**_holder("")).values_list(
            "insurer_id", "pk", *columns).iterator(chunk_size=2000):
        yield (insurer_id, pk, RegisterEntry.Via.CONTRACT, *holder)
    followed = _covering(FollowRequest.objects.filter(
        insurer_id__in=insurer_ids, status__in=[FollowRequest.Status.FOLLOWED, FollowRequest.Status.PARTIAL]),
        "offer__", year)
    if offer_id is not None:
        followed = followed.filter(offer_id=offer_id)
    for insurer_id, pk, *holder in followed.annotate(**_holder("offer__")).values_list(
            "insurer_id", "offer_id", *columns).iterator(chunk_size=2000):
        yield (insurer_id, pk, RegisterEntry.Via.FOLLOWED, *holder)


def _write(*, year: int, insurer_ids, added_at: datetime, offer_id: int | None = None) -> int:
    """Insert the missing lines of these insurers' published registers for `year` (only `offer_id`'s, if
    given) and keep their counts; lines already there stay as they are. Returns the number of lines added."""
    with transaction.atomic():
        # The publications are locked first, so of two services adding lines at once the second waits and
        # then sees the first one's lines: neither a line nor a count is lost or doubled.
        publications = {p.insurer_id: p for p in RegisterPublication.objects.select_for_update(of=("self",))
                        .select_related("insurer").filter(year=year, insurer_id__in=insurer_ids).order_by("pk")}
        existing = set()
        if offer_id is not None:
            existing = set(RegisterEntry.objects.filter(year=year, offer_id=offer_id).values_list("insurer_id", "via"))
        added: Counter[int] = Counter()
        batch: list[RegisterEntry] = []
        for insurer_id, pk, via, kind, name, agb, city in _contracted(year, list(publications), offer_id):
            if (insurer_id, via) in existing:
                continue
            batch.append(RegisterEntry(
                year=year, insurer_id=insurer_id, insurer_name=publications[insurer_id].insurer.name, offer_id=pk,
                via=via, kind=kind, name=name, agb_code=agb, city=city, search_text=search_text(name, agb, city),
                added_at=added_at))
            added[insurer_id] += 1
            if len(batch) == WRITE_BATCH:
                RegisterEntry.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        RegisterEntry.objects.bulk_create(batch, ignore_conflicts=True)
        if offer_id is not None:
            for insurer_id, count in added.items():
                publications[insurer_id].entry_count += count
                publications[insurer_id].save(update_fields=["entry_count"])
            return sum(added.values())
        # A whole register (publishing, or publishing again): counted, since lines already there were skipped.
        total = 0
        for publication in publications.values():
            count = RegisterEntry.objects.filter(year=year, insurer_id=publication.insurer_id).count()
            total += count - publication.entry_count
            publication.entry_count = count
            publication.save(update_fields=["entry_count"])
        return total


def search_text(name: str, agb_code: str | None, city: str | None) -> str:
    """What the search box matches: each of name, AGB code and city, casefolded, one per line (a search term
    never holds a line break, so it cannot match across two of them)."""
    return "\n".join((value or "").casefold() for value in (name, agb_code, city))


# --- Reading ------------------------------------------------------------------------------------------------
class RegisterLines:
    """A register's lines in the register's order (by insurer, then name and AGB code), read page by page or
    streamed. count() answers from the publications' stored counts unless a search narrows the lines, so a
    Paginator over it costs one query a page: the page itself, read from an index in this order."""

    def __init__(self, queryset: QuerySet, total: int | None):
        self.queryset = queryset
        self.total = total

    def count(self) -> int:
        return self.total if self.total is not None else self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("RegisterLines supports slices only")
        return [_line(values) for values in self.queryset.values_list(*ENTRY_FIELDS)[key]]

    def iterator(self, chunk_size: int = 2000) -> Iterator[dict]:
        """Every line, from one cursor, without holding them all in memory."""
        for values in self.rows(chunk_size):
            yield _line(values)

    def rows(self, chunk_size: int = 2000) -> Iterator[tuple]:
        """Every line as a tuple in ENTRY_FIELDS order, from one cursor: for the CSV, which writes 50,000 of
        them in one response."""
        return self.queryset.values_list(*ENTRY_FIELDS).iterator(chunk_size=chunk_size)

    def __iter__(self) -> Iterator[dict]:
        return self.iterator()


def _line(values: tuple) -> dict:
    return {"insurer" if key == "insurer_name" else key: value for key, value in zip(ENTRY_FIELDS, values,
                                                                                      strict=True)}


def search_needle(raw: str) -> str:
    """A search term as the register compares it: casefolded, runs of whitespace as one space."""
    return " ".join((raw or "").split()).casefold()


def register_entries(*, year: int, insurer_id: int | None = None, search: str = "",
                     publications: list[RegisterPublication] | None = None) -> RegisterLines:
    """The lines of the published registers for `year` (one insurer's if given), those whose name, AGB code or
    city contains `search` (casefolded) if given. `publications`: this year's publications if the caller has
    them already (they hold the counts); otherwise read here, one query."""
    if publications is None:
        publications = list(RegisterPublication.objects.filter(year=year))
    lines = RegisterEntry.objects.filter(year=year)
    if insurer_id is not None:
        lines = lines.filter(insurer_id=insurer_id).order_by("name", "agb_code", "pk")
        publications = [p for p in publications if p.insurer_id == insurer_id]
    else:
        lines = lines.order_by("insurer_name", "name", "agb_code", "pk")
    needle = search_needle(search)
    if needle:
        return RegisterLines(lines.filter(search_text__contains=needle), None)
    return RegisterLines(lines, sum(p.entry_count for p in publications))
