"""Survey results: the one home of every figure the portal shows of a survey. Pages, exports and the API render
what these functions return; none of them counts, and none of them decides what may be shown.

**Anonymity.** A group of fewer than `survey.threshold` respondents shows no figure, only "minder dan N
antwoorden". That holds for every group: the whole of a question, each group of a split, a filter (a filter is
one group of a split, decided exactly as in the split, so narrowing a big group cannot show what the split
withholds), each row of a cross-tab and every export and API answer built from here.
Complementary disclosure: when a split shows its total and all groups but one, the withheld group is the total
minus the others. So in a split that partitions the respondents (segment, provider type, region, a single
choice), groups are withheld in addition, smallest first, until the withheld groups together hold at least N
respondents (or none). A group that overlaps others (respondents contracted with an insurer; one option of a
multiple choice) is shown only when the respondents outside it are none or at least N, as "the total minus this
group" is itself a group then.
One attribute at a time: a view splits or filters by one attribute (or crosses two questions), never two at
once, because withholding cells one dimension at a time does not protect a two-way table whose margins are shown
(a 2x2 table with one small cell is solved from its margins and the other cells).
Free text is never shown in results, only how many gave one; an export of the individual answers is for the
full results only, and an anonymous survey's carries neither identity nor respondent attributes (answer_table).

Results exist once a survey has closed: while it is open, figures that change with each new response would single
out the respondent who just answered.

**Repetitions.** A question asked per insurer (the GP satisfaction survey) or per care group is reported per
repetition, never pooled: a pooled figure would count a GP who rated three insurers three times. A sub-report of
insurer I is the questions asked per insurer, restricted to the answers about I.

Every figure comes from a few GROUP BY queries over all questions at once (answer cells and respondents per
question, repetition, theme and attribute combination), so the number of queries does not grow with the number of
responses or questions.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DecimalField, F, Sum, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import PortalError
from core.params import parse_id
from insurers.models import Insurer
from providers.models import CareGroup, Region

from .models import Answer, Question, Response, Survey

SUBMITTED = Response.Status.SUBMITTED
SCALES = {Question.Kind.SCALE10: 10, Question.Kind.SCALE5: 5}
CHOICES = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
# The questions a cross-tab can take as rows (the respondents' groups) and as columns.
CROSS_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SCALE10, Question.Kind.SCALE5)

DIMENSIONS = {
    "segment": gettext_lazy("Segment"),
    "provider_type": gettext_lazy("Soort zorgaanbieder"),
    "region": gettext_lazy("Regio"),
    "insurer": gettext_lazy("Gecontracteerd door"),
}
SEGMENT_LABELS = {"s1": gettext_lazy("alleen S1"), "s2": gettext_lazy("alleen S2"), "both": gettext_lazy("S1 en S2"),
                  "none": gettext_lazy("geen getekend contract")}
PROVIDER_TYPE_LABELS = {
    "gp": gettext_lazy("alleen huisartsenpraktijk"),
    "care_group": gettext_lazy("alleen samenwerkingsverband"),
    "both": gettext_lazy("praktijk en samenwerkingsverband"),
}
# Groups in the order of the choices (S1 only, S2 only, both), others (regions) by name, unknown last.
_RANK = {key: i for i, key in enumerate([*SEGMENT_LABELS, *PROVIDER_TYPE_LABELS])}
# Attribute keys on Response.attributes (see surveys.models.Invitation.attributes).
_ATTRS = ("segment", "provider_type", "region", "insurers")


def _rounded(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


# --- The data the interfaces render ----------------------------------------------------------------------------
@dataclass
class Cell:
    """One answer option (or scale value) within a group: how many chose it, as a percentage of the group."""
    value: str
    label: str
    count: int
    percent: Decimal


@dataclass
class Group:
    """The respondents of one group. `shown` False: no figure at all, only `note` (why)."""
    key: str
    label: str
    shown: bool
    note: str = ""
    n: int | None = None
    cells: list[Cell] = field(default_factory=list)
    mean: Decimal | None = None


@dataclass
class Block:
    """One question (for a matrix: one theme; for a repeated question: one repetition) with its groups. The
    first group is the whole (all respondents in view); a split adds one group per value."""
    question: Question
    repeat_key: str
    repeat_label: str
    row: str
    row_label: str
    groups: list[Group]

    @property
    def title(self) -> str:
        parts = [f"{self.question.code}. {self.question.text}"]
        if self.row_label:
            parts.append(self.row_label)
        if self.repeat_label:
            parts.append(self.repeat_label)
        return " — ".join(parts)

    @property
    def options(self) -> list[tuple[str, str]]:
        """The rows of the block's table: the options or scale values, in order."""
        return _option_labels(self.question)


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class Results:
    survey: Survey
    insurer: Insurer | None
    available: bool
    threshold: int
    responses: int | None  # submitted responses, None when below the threshold
    dimension: str = ""
    value: str = ""
    value_label: str = ""
    blocks: list[Block] = field(default_factory=list)
    dimension_values: dict[str, list[Choice]] = field(default_factory=dict)
    crosstab: tuple[Question, Question] | None = None


def withheld_note(threshold: int) -> str:
    return _("minder dan %(n)s antwoorden") % {"n": threshold}


def complement_note() -> str:
    return _("niet getoond: anders is een groep van minder antwoorden af te leiden")


def is_available(survey: Survey, now: datetime | None = None) -> bool:
    """Results exist once the survey has closed (see the module docstring)."""
    now = now or timezone.now()
    return survey.status == Survey.Status.CLOSED or (survey.status == Survey.Status.PUBLISHED
                                                     and survey.closes_at <= now)


# --- Which groups may be shown ---------------------------------------------------------------------------------
def withheld(sizes: dict[str, int], total: int, threshold: int, *, overlapping: bool) -> dict[str, str]:
    """The groups of a split that show no figure, each with its reason: "small" (fewer than `threshold`
    respondents) or "complement" (withheld so that the total minus the shown groups reveals no small group).
    `sizes` are the respondents per group, `total` those of the whole; for a partition they add up to it."""
    reasons = {key: "small" for key, n in sizes.items() if n < threshold}
    if overlapping:
        for key, n in sizes.items():
            if key not in reasons and 0 < total - n < threshold:
                reasons[key] = "complement"
        return reasons
    # Order groups by size, then by key, so the same split always withholds the same groups.
    while 0 < sum(sizes[key] for key in reasons) < threshold:
        candidates = sorted((n, key) for key, n in sizes.items() if key not in reasons and n > 0)
        if not candidates:
            break
        reasons[candidates[0][1]] = "complement"
    return reasons


# --- Labels ----------------------------------------------------------------------------------------------------
def _option_labels(question: Question) -> list[tuple[str, str]]:
    if question.kind in SCALES:
        ends = {str(o.get("value")): o.get("label", "") for o in question.options or []}
        return [(str(v), f"{v} ({ends[str(v)]})" if ends.get(str(v)) else str(v))
                for v in range(1, SCALES[question.kind] + 1)]
    if question.kind in (*CHOICES, Question.Kind.MATRIX):
        return [(str(o["value"]), o.get("label") or str(o["value"])) for o in question.options or []]
    return []


def _row_labels(question: Question) -> list[tuple[str, str]]:
    if question.kind == Question.Kind.MATRIX:
        return [(str(r["value"]), r.get("label") or str(r["value"])) for r in question.rows or []]
    return [("", "")]


class _Labels:
    """Names of regions, insurers and care groups, each fetched once when first needed."""

    def __init__(self):
        self._regions = self._insurers = None
        self._care_groups: dict[str, str] = {}

    def regions(self) -> dict[str, str]:
        if self._regions is None:
            self._regions = {str(pk): name for pk, name in Region.objects.order_by("name").values_list("pk", "name")}
        return self._regions

    def insurers(self) -> dict[str, str]:
        if self._insurers is None:
            self._insurers = {str(pk): name for pk, name in Insurer.objects.order_by("name").values_list("pk", "name")}
        return self._insurers

    def load_care_groups(self, keys):
        wanted = {k for k in keys if parse_id(k)} - set(self._care_groups)
        if wanted:
            self._care_groups.update({str(pk): name for pk, name in
                                      CareGroup.objects.filter(pk__in=wanted).values_list("pk", "name")})

    def repeat(self, question: Question, key: str) -> str:
        if not key:
            return ""
        if question.repeat == Question.Repeat.INSURER:
            return self.insurers().get(key, key)
        if question.repeat == Question.Repeat.CARE_GROUP:
            return self._care_groups.get(key, key)
        return key

    def value(self, dimension: str, key: str) -> str:
        unknown = _("onbekend")
        if dimension == "segment":
            return str(SEGMENT_LABELS.get(key, unknown))
        if dimension == "provider_type":
            return str(PROVIDER_TYPE_LABELS.get(key, unknown))
        if dimension == "region":
            return self.regions().get(key, unknown)
        if dimension == "insurer":
            return self.insurers().get(key, unknown)
        return key or unknown


def dimension_values(labels: _Labels) -> dict[str, list[Choice]]:
    """The values each attribute can take, for filter forms: every region and insurer, not only those with
    responses (a list of those with responses would itself tell that somebody from there answered)."""
    return {
        "segment": [Choice(k, str(v)) for k, v in SEGMENT_LABELS.items()],
        "provider_type": [Choice(k, str(v)) for k, v in PROVIDER_TYPE_LABELS.items()],
        "region": [Choice(k, v) for k, v in labels.regions().items()],
        "insurer": [Choice(k, v) for k, v in labels.insurers().items()],
    }


def insurer_keys() -> list[str]:
    """Every insurer as the "insurer" attribute names it (its id as text), by name: the values a filter on it
    can take, all of them, not only those with responses. One query."""
    return list(_Labels().insurers())


# --- Checking a view's parameters ------------------------------------------------------------------------------
def check_view(*, dimension: str = "", value: str = "") -> tuple[str, str]:
    """A split or filter as asked for (from a form, a query string, the API): one known attribute, a value only
    with an attribute. Bad input is a PortalError with a Dutch message."""
    dimension, value = (dimension or "").strip(), (value or "").strip()
    if dimension and dimension not in DIMENSIONS:
        raise PortalError("unknown_dimension", _("Onbekend kenmerk om op uit te splitsen: %(d)s.") % {"d": dimension},
                          fields={"dimension": [_("Kies segment, soort zorgaanbieder, regio of zorgverzekeraar.")]})
    if value and not dimension:
        raise PortalError("value_without_dimension", _("Kies bij een waarde ook het kenmerk."),
                          fields={"value": [_("Kies bij een waarde ook het kenmerk.")]})
    if dimension == "segment" and value and value not in SEGMENT_LABELS:
        raise PortalError("unknown_value", _("Onbekende waarde voor het segment."), fields={"value": [_("Onbekend.")]})
    if dimension == "provider_type" and value and value not in PROVIDER_TYPE_LABELS:
        raise PortalError("unknown_value", _("Onbekende waarde voor de soort zorgaanbieder."),
                          fields={"value": [_("Onbekend.")]})
    if dimension in ("region", "insurer") and value and parse_id(value) is None:
        raise PortalError("unknown_value", _("Onbekende waarde voor dit kenmerk."), fields={"value": [_("Onbekend.")]})
    if dimension == "insurer" and not value:
        # Groups of respondents per insurer overlap, and every group would need its own complement check
        # against every other; a filter on one insurer is one group and its complement.
        raise PortalError("insurer_needs_value", _("Kies bij 'gecontracteerd door' een zorgverzekeraar."),
                          fields={"value": [_("Kies een zorgverzekeraar.")]})
    return dimension, value


# --- The queries -----------------------------------------------------------------------------------------------
def _questions(survey: Survey, insurer: Insurer | None) -> list[Question]:
    qs = survey.questions.order_by("position")
    if insurer is not None:
        qs = qs.filter(repeat=Question.Repeat.INSURER)
    return list(qs)


def _answers(survey: Survey, insurer: Insurer | None):
    qs = Answer.objects.filter(response__survey=survey, response__status=SUBMITTED)
    if insurer is not None:
        qs = qs.filter(question__repeat=Question.Repeat.INSURER, repeat_key=str(insurer.pk))
    return qs.annotate(**{f"a_{name}": KeyTextTransform(name, "response__attributes") for name in _ATTRS})


_ATTR_FIELDS = [f"a_{name}" for name in _ATTRS]
_SCALE_VALUE = Case(When(question__kind__in=list(SCALES), then=F("number")), default=Value(None),
                    output_field=DecimalField(max_digits=12, decimal_places=2))


def _attr_key(row: dict) -> tuple:
    insurers = row["a_insurers"]
    if isinstance(insurers, str):
        try:
            insurers = json.loads(insurers)
        except ValueError:
            insurers = []
    region = row["a_region"]
    return (row["a_segment"] or "", row["a_provider_type"] or "",
            "" if region in (None, "") else str(region),
            frozenset(str(i) for i in insurers or []))


def _group_keys(dimension: str, attrs: tuple, value: str) -> list[str]:
    """The groups of `dimension` a respondent with these attributes belongs to."""
    segment, provider_type, region, insurers = attrs
    if dimension == "segment":
        return [segment]
    if dimension == "provider_type":
        return [provider_type]
    if dimension == "region":
        return [region]
    if dimension == "insurer":
        return [value] if value in insurers else []
    return []


class _Cube:
    """Respondents and answer cells per (question, repetition, theme, attributes): two GROUP BY queries."""

    def __init__(self, answers_qs):
        group_cols = ["question_id", "repeat_key", "row", *_ATTR_FIELDS]
        self.responders: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
        for r in answers_qs.values(*group_cols).annotate(n=Count("response_id", distinct=True)).order_by():
            self.responders[(r["question_id"], r["repeat_key"], r["row"])][self._key(r)] += r["n"]
        self.cells: dict[tuple, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
        self.sums: dict[tuple, dict] = defaultdict(lambda: defaultdict(lambda: [Decimal(0), 0]))
        rows = (answers_qs.annotate(scale=_SCALE_VALUE).values(*group_cols, "option", "scale")
                .annotate(n=Count("id"), total=Sum("number"), counted=Count("number")).order_by())
        for r in rows:
            block, key = (r["question_id"], r["repeat_key"], r["row"]), self._key(r)
            value = str(int(r["scale"])) if r["scale"] is not None else r["option"]
            if value:
                self.cells[block][key][value] += r["n"]
            if r["counted"]:
                self.sums[block][key][0] += r["total"]
                self.sums[block][key][1] += r["counted"]

    @staticmethod
    def _key(row: dict):
        return _attr_key(row)

    def blocks(self):
        return self.responders.keys()


# --- Building the groups ---------------------------------------------------------------------------------------
def _group(question: Question, key: str, label: str, n: int, cells: dict[str, int], sums, reason: str,
           threshold: int) -> Group:
    if reason:
        return Group(key, label, False, withheld_note(threshold) if reason == "small" else complement_note())
    out = []
    for value, option_label in _option_labels(question):
        count = cells.get(value, 0)
        out.append(Cell(value, option_label, count, _rounded(Decimal(count) * 100 / n) if n else Decimal(0)))
    mean = None
    if question.kind in (*SCALES, Question.Kind.NUMBER) and sums[1]:
        mean = _rounded(sums[0] / sums[1])
    return Group(key, label, True, "", n, out, mean)


def _merge(counts_by_key: dict, keys) -> tuple[dict[str, int], list]:
    cells: dict[str, int] = defaultdict(int)
    sums = [Decimal(0), 0]
    for key in keys:
        for value, n in counts_by_key[0].get(key, {}).items():
            cells[value] += n
        s = counts_by_key[1].get(key)
        if s:
            sums[0] += s[0]
            sums[1] += s[1]
    return cells, sums


def _block_groups(question, responders, cells, sums, *, group_of, dimension, value, overlapping, labels,
                  threshold) -> list[Group]:
    """The whole and, with a dimension, its groups (or the one group of a filter), each decided by `withheld`."""
    total = sum(responders.values())
    everyone = list(responders)
    all_label = _("Alle antwoorden")
    if total < threshold:
        return [Group("", all_label, False, withheld_note(threshold))]
    whole_cells, whole_sums = _merge((cells, sums), everyone)
    whole = _group(question, "", all_label, total, whole_cells, whole_sums, "", threshold)
    if not dimension:
        return [whole]
    members: dict[str, list] = defaultdict(list)
    for attrs in everyone:
        for key in group_of(attrs):
            members[key].append(attrs)
    sizes = {key: sum(responders[a] for a in attrs) for key, attrs in members.items()}
    if value and value not in sizes:
        sizes[value] = 0
    reasons = withheld(sizes, total, threshold, overlapping=overlapping)
    wanted = [value] if value else sorted(sizes, key=lambda k: (k == "", _RANK.get(k, len(_RANK)),
                                                                labels(k).casefold()))
    groups = []
    for key in wanted:
        group_cells, group_sums = _merge((cells, sums), members.get(key, []))
        groups.append(_group(question, key, labels(key), sizes[key], group_cells, group_sums, reasons.get(key, ""),
                             threshold))
    # A filter shows its group only: the whole stays on the unfiltered page.
    return groups if value else [whole, *groups]


def survey_results(survey: Survey, *, insurer: Insurer | None = None, dimension: str = "", value: str = "",
                   now: datetime | None = None) -> Results:
    """The results of `survey` (a sub-report: the answers about `insurer` only), whole or split by one
    attribute (`dimension`), or filtered to one group of it (`dimension` and `value`)."""
    view = check_view(dimension=dimension, value=value)
    return survey_results_views(survey, views=[view], insurer=insurer, now=now)[view]


def survey_results_views(survey: Survey, *, views, insurer: Insurer | None = None, codes=None,
                         now: datetime | None = None) -> dict[tuple[str, str], Results]:
    """survey_results for several views at once (`views`: (dimension, value) pairs, each checked as there),
    from one count of the answers: each equals survey_results(survey, insurer=..., dimension=..., value=...).
    `codes`: only these questions (the monitor reads a few questions of a survey, not all of them). The
    number of queries does not grow with the number of views."""
    views = [check_view(dimension=d, value=v) for d, v in views]
    labels = _Labels()
    available = is_available(survey, now)
    questions = cube = responses = None
    if available:
        responses = _response_count(survey, insurer)
        questions = _questions(survey, insurer)
        answers = _answers(survey, insurer)
        if codes is not None:
            questions = [q for q in questions if q.code in set(codes)]
            answers = answers.filter(question__in=[q.pk for q in questions])
        cube = _Cube(answers)
    out = {}
    for dimension, value in views:
        results = Results(survey, insurer, available, survey.threshold, None, dimension, value)
        results.dimension_values = dimension_values(labels)
        if dimension and value:
            results.value_label = labels.value(dimension, value)
        if available:
            results.responses = responses
            results.blocks = _blocks(questions, cube, labels, threshold=survey.threshold, dimension=dimension,
                                     value=value, group_of=lambda attrs, d=dimension, v=value: _group_keys(d, attrs, v),
                                     value_labels=lambda key, d=dimension: labels.value(d, key),
                                     overlapping=dimension == "insurer")
        out[(dimension, value)] = results
    return out


def _response_count(survey: Survey, insurer: Insurer | None) -> int | None:
    qs = Response.objects.filter(survey=survey, status=SUBMITTED)
    if insurer is not None:
        qs = qs.filter(answers__question__repeat=Question.Repeat.INSURER,
                       answers__repeat_key=str(insurer.pk)).distinct()
    n = qs.count()
    return n if n >= survey.threshold else None


def _blocks(questions, cube: _Cube, labels: _Labels, *, threshold, dimension, value, group_of, value_labels,
            overlapping) -> list[Block]:
    by_question = defaultdict(list)
    for block in cube.blocks():
        by_question[block[0]].append(block)
    per_care_group = {q.pk for q in questions if q.repeat == Question.Repeat.CARE_GROUP}
    labels.load_care_groups(b[1] for b in cube.blocks() if b[0] in per_care_group)
    blocks = []
    for question in questions:
        keys = by_question.get(question.pk, [])
        repeats = sorted({k[1] for k in keys}, key=lambda k: labels.repeat(question, k)) if question.repeat else [""]
        for repeat_key in repeats or [""]:
            for row, row_label in _row_labels(question):
                key = (question.pk, repeat_key, row)
                groups = _block_groups(question, cube.responders.get(key, {}), cube.cells.get(key, {}),
                                       cube.sums.get(key, {}), group_of=group_of, dimension=dimension, value=value,
                                       overlapping=overlapping, labels=value_labels, threshold=threshold)
                blocks.append(Block(question, repeat_key, labels.repeat(question, repeat_key), row, row_label,
                                    groups))
    return blocks


# --- Cross-tab of two questions --------------------------------------------------------------------------------
def crosstab_questions(survey: Survey, insurer: Insurer | None = None) -> list[Question]:
    """The questions a cross-tab can take (choices and scales; in a sub-report those asked per insurer)."""
    return [q for q in _questions(survey, insurer) if q.kind in CROSS_KINDS]


def survey_crosstab(survey: Survey, *, rows: str, columns: str, insurer: Insurer | None = None,
                    now: datetime | None = None) -> Results:
    """Question `columns` split by the answer to question `rows` (codes): one group per answer to `rows`, each
    decided as a group of a split (a single choice partitions the respondents, with "no answer" as a group of its
    own; the options of a multiple choice overlap). Both questions must be asked the same way (both once, or
    both per insurer), so the groups match per respondent and repetition."""
    columns = (columns or "").strip()
    return survey_crosstabs(survey, rows=rows, columns=[columns], insurer=insurer, now=now)[columns]


def survey_crosstabs(survey: Survey, *, rows: str, columns, insurer: Insurer | None = None,
                     now: datetime | None = None) -> dict[str, Results]:
    """survey_crosstab for several column questions at once (by code), crossed with the same row question, from
    one count of the answers: each equals survey_crosstab(survey, rows=rows, columns=code, ...)."""
    by_code = {q.code: q for q in crosstab_questions(survey, insurer)}
    row_q = by_code.get((rows or "").strip())
    col_qs = [by_code.get((code or "").strip()) for code in columns]
    if row_q is None or None in col_qs:
        raise PortalError("unknown_question", _("Kies twee vragen met keuzes of een schaal uit deze enquête."),
                          fields={"rows" if row_q is None else "columns": [_("Onbekende vraag.")]})
    for col_q in col_qs:
        if row_q.pk == col_q.pk:
            raise PortalError("same_question", _("Kies twee verschillende vragen."),
                              fields={"columns": [_("Dezelfde vraag.")]})
        if row_q.repeat != col_q.repeat:
            raise PortalError("repeat_mismatch", _("Deze vragen worden niet op dezelfde manier gesteld (eenmaal of "
                                                   "per zorgverzekeraar) en zijn niet te kruisen."),
                              fields={"columns": [_("Niet te kruisen met de eerste vraag.")]})
    labels = _Labels()
    available = is_available(survey, now)
    out = {col_q.code: Results(survey, insurer, available, survey.threshold, None, crosstab=(row_q, col_q))
           for col_q in col_qs}
    if not available:
        return out
    responses = _response_count(survey, insurer)
    base = _answers(survey, insurer).filter(question__in=[q.pk for q in col_qs])
    whole = _Cube(base)
    by_answer = _CrossCube(base, row_q)
    overlapping = row_q.kind == Question.Kind.MULTIPLE
    row_labels = dict(_option_labels(row_q))
    no_answer = "-"
    question_of = {q.pk: q for q in col_qs}
    labels.load_care_groups(b[1] for b in whole.blocks() if question_of[b[0]].repeat == Question.Repeat.CARE_GROUP)
    blocks = defaultdict(list)
    for key in sorted(whole.blocks(), key=lambda k: labels.repeat(question_of[k[0]], k[1])):
        col_q = question_of[key[0]]
        responders = dict(by_answer.responders.get(key, {}))
        cells = {k: dict(v) for k, v in by_answer.cells.get(key, {}).items()}
        sums = {k: list(v) for k, v in by_answer.sums.get(key, {}).items()}
        whole_cells, whole_sums = _sum_cells(whole.cells.get(key, {})), _sum_sums(whole.sums.get(key, {}))
        total = sum(whole.responders[key].values())
        if not overlapping:
            # Respondents of the column question who gave no answer to the row question are a group too: without
            # it, the total minus the shown groups would be them.
            missing = total - sum(responders.values())
            if missing > 0:
                responders[no_answer] = missing
                cells[no_answer] = {v: whole_cells.get(v, 0) - sum(c.get(v, 0) for c in cells.values())
                                    for v, _label in _option_labels(col_q)}
                sums[no_answer] = [whole_sums[0] - sum(s[0] for s in sums.values()),
                                   whole_sums[1] - sum(s[1] for s in sums.values())]
        groups = _crosstab_groups(col_q, total, responders, cells, sums, whole_cells, whole_sums,
                                  overlapping=overlapping, threshold=survey.threshold,
                                  label=lambda k: row_labels.get(k, _("geen antwoord") if k == no_answer else k),
                                  order=[v for v, _label in _option_labels(row_q)] + [no_answer])
        blocks[col_q.code].append(Block(col_q, key[1], labels.repeat(col_q, key[1]), "", "", groups))
    for code, results in out.items():
        results.responses = responses
        results.blocks = blocks.get(code, [])
    return out


class _CrossCube:
    """Respondents and answer cells of the column question per answer to the row question (two queries)."""

    def __init__(self, base, row_q: Question):
        # One filter() call, so both conditions and the annotations below use the same join of the response's
        # answers (separate calls on a multi-valued relation would each join it anew).
        conditions = {"response__answers__question": row_q}
        if row_q.repeat:
            conditions["response__answers__repeat_key"] = F("repeat_key")
        joined_qs = base.filter(**conditions)
        # The row question's answer: a scale value is in `number`, a choice in `option`.
        by = F("response__answers__number") if row_q.kind in SCALES else Value(None, output_field=DecimalField())
        qs = joined_qs.annotate(by_option=F("response__answers__option"), by_number=by)
        cols = ["question_id", "repeat_key", "row", "by_option", "by_number"]
        self.responders = defaultdict(lambda: defaultdict(int))
        for r in qs.values(*cols).annotate(n=Count("response_id", distinct=True)).order_by():
            self.responders[(r["question_id"], r["repeat_key"], r["row"])][self._key(r)] += r["n"]
        self.cells = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
        self.sums = defaultdict(lambda: defaultdict(lambda: [Decimal(0), 0]))
        rows = (qs.annotate(scale=_SCALE_VALUE).values(*cols, "option", "scale")
                .annotate(n=Count("id"), total=Sum("number"), counted=Count("number")).order_by())
        for r in rows:
            block, key = (r["question_id"], r["repeat_key"], r["row"]), self._key(r)
            value = str(int(r["scale"])) if r["scale"] is not None else r["option"]
            if value:
                self.cells[block][key][value] += r["n"]
            if r["counted"]:
                self.sums[block][key][0] += r["total"]
                self.sums[block][key][1] += r["counted"]

    @staticmethod
    def _key(row) -> str:
        return str(int(row["by_number"])) if row["by_number"] is not None else row["by_option"]


def _crosstab_groups(question, total, responders, cells, sums, whole_cells, whole_sums, *, overlapping, threshold,
                     label, order) -> list[Group]:
    all_label = _("Alle antwoorden")
    if total < threshold:
        return [Group("", all_label, False, withheld_note(threshold))]
    groups = [_group(question, "", all_label, total, whole_cells, whole_sums, "", threshold)]
    reasons = withheld(responders, total, threshold, overlapping=overlapping)
    rank = {k: i for i, k in enumerate(order)}
    for key in sorted(responders, key=lambda k: (rank.get(k, len(rank)), k)):
        groups.append(_group(question, key, label(key), responders[key], cells.get(key, {}),
                             sums.get(key, [Decimal(0), 0]), reasons.get(key, ""), threshold))
    return groups


def _sum_cells(cells_by_attrs: dict) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for cells in cells_by_attrs.values():
        for value, n in cells.items():
            out[value] += n
    return out


def _sum_sums(sums_by_attrs: dict) -> list:
    return [sum((s[0] for s in sums_by_attrs.values()), Decimal(0)), sum(s[1] for s in sums_by_attrs.values())]


# --- Trend across the years of a series ------------------------------------------------------------------------
@dataclass
class TrendPoint:
    year: int
    shown: bool
    value: Decimal | None = None
    n: int | None = None
    note: str = ""


@dataclass
class TrendLine:
    label: str
    points: list[TrendPoint]


@dataclass
class TrendQuestion:
    code: str
    text: str
    measure: str  # what the lines show: the mean, or the percentage choosing each option
    lines: list[TrendLine]
    is_mean: bool = False


@dataclass
class Trend:
    series: str
    insurer: Insurer | None
    threshold: int
    years: list[int]
    questions: list[TrendQuestion]


def survey_trend(surveys: list[Survey], *, insurer: Insurer | None = None, now: datetime | None = None) -> Trend:
    """The same questions (by code) across the years of a series: per year the mean of a scale or number, or the
    percentage choosing each option, each a whole of that year's results and so under that year's threshold (a
    year with too few answers is a gap in the line, never a figure). Surveys that have not closed are left out."""
    per_year = [survey_results(s, insurer=insurer, now=now) for s in surveys if is_available(s, now)]
    years = [r.survey.year for r in per_year]
    lines: dict[str, dict[str, dict[int, TrendPoint]]] = defaultdict(lambda: defaultdict(dict))
    meta: dict[str, tuple[str, str, bool]] = {}
    order: list[str] = []
    for results in per_year:
        for block in results.blocks:
            q = block.question
            if q.kind == Question.Kind.TEXT:
                continue
            if q.code not in meta:
                order.append(q.code)
                measure = _("gemiddelde") if q.kind in (*SCALES, Question.Kind.NUMBER) else _("percentage")
                meta[q.code] = (q.text, measure, q.kind in (*SCALES, Question.Kind.NUMBER))
            whole = block.groups[0]
            prefix = " — ".join(p for p in (block.row_label, block.repeat_label) if p)
            year = results.survey.year
            if q.kind in (*SCALES, Question.Kind.NUMBER):
                label = prefix or _("gemiddelde")
                lines[q.code][label][year] = (TrendPoint(year, True, whole.mean, whole.n) if whole.shown
                                              else TrendPoint(year, False, note=whole.note))
                continue
            for value, option_label in _option_labels(q):
                label = f"{prefix}: {option_label}" if prefix else option_label
                if whole.shown:
                    cell = next(c for c in whole.cells if c.value == value)
                    lines[q.code][label][year] = TrendPoint(year, True, cell.percent, whole.n)
                else:
                    lines[q.code][label][year] = TrendPoint(year, False, note=whole.note)
    questions = []
    absent = _("niet gevraagd")
    for code in order:
        text, measure, is_mean = meta[code]
        out = [TrendLine(label, [points.get(y) or TrendPoint(y, False, note=absent) for y in years])
               for label, points in lines[code].items()]
        questions.append(TrendQuestion(code, text, measure, out, is_mean))
    threshold = per_year[-1].threshold if per_year else 0
    series = surveys[0].series if surveys else ""
    return Trend(series, insurer, threshold, years, questions)


# --- The individual answers, for an export --------------------------------------------------------------------
@dataclass
class AnswerTable:
    header: list[str]
    rows: list[list]


def answer_table(survey: Survey, *, now: datetime | None = None) -> AnswerTable:
    """Every submitted answer, one row per answered cell, for the full results' export; responses numbered 1,
    2, ... in the export, not by their id. Refused (a PortalError) before the survey closes and with fewer
    responses than the threshold.

    An anonymous survey's rows carry no identity and no respondent attributes: row-level attributes cannot be
    made to agree with the results' withheld groups (a region withheld for one question would be read off the
    same response's row for another, and the shown rows per region, subtracted from a region's total on the
    results page, would point at the withheld ones), so splits are made on the results pages and the API, where
    the threshold holds. An identified survey's rows name the respondent and its attributes, as its reader knows
    who answered anyway."""
    from .models import Invitation

    if not is_available(survey, now):
        raise PortalError("survey_not_closed", _("De antwoorden zijn te downloaden nadat de enquête is gesloten."),
                          status=409)
    responses = list(Response.objects.filter(survey=survey, status=SUBMITTED).order_by("pk")
                     .values("pk", "attributes", "invitation_id"))
    if len(responses) < survey.threshold:
        raise PortalError("too_few_responses", _("Er zijn minder dan %(n)s antwoorden: de antwoorden worden niet "
                                                 "gedeeld.") % {"n": survey.threshold}, status=409)
    labels = _Labels()
    header = [_("Antwoord nr.")]
    who_of: dict[int, list] = {r["pk"]: [] for r in responses}
    if not survey.anonymous:
        header += [_("Respondent"), _("Segment"), _("Soort zorgaanbieder"), _("Regio")]
        invitations = Invitation.objects.filter(pk__in=[r["invitation_id"] for r in responses if r["invitation_id"]])
        identity = {}
        for inv in invitations.select_related("user", "practice", "care_group", "insurer"):
            who = inv.practice or inv.care_group or inv.insurer
            identity[inv.pk] = who.name if who else (inv.user.full_name or inv.user.email)
        for r in responses:
            segment, provider_type, region = _export_attrs(r["attributes"] or {})
            who_of[r["pk"]] = [identity.get(r["invitation_id"], ""),
                               labels.value("segment", segment) if segment else "",
                               labels.value("provider_type", provider_type) if provider_type else "",
                               labels.value("region", region) if region else ""]
    header += [_("Vraag"), _("Vraagtekst"), _("Thema"), _("Over"), _("Antwoord")]
    questions = {q.pk: q for q in survey.questions.all()}
    number = {r["pk"]: i for i, r in enumerate(responses, start=1)}
    answers = list(Answer.objects.filter(response__survey=survey, response__status=SUBMITTED)
                   .order_by("response_id", "question__position", "repeat_key", "row", "option")
                   .values_list("response_id", "question_id", "repeat_key", "row", "option", "number", "text"))
    labels.load_care_groups({a[2] for a in answers if questions[a[1]].repeat == Question.Repeat.CARE_GROUP})
    # Repetitions by name (insurers, care groups) and matrix themes in the survey's order.
    theme_rank = {q.pk: {r: i for i, (r, _label) in enumerate(_row_labels(q))} for q in questions.values()}
    answers.sort(key=lambda a: (a[0], questions[a[1]].position, labels.repeat(questions[a[1]], a[2]),
                                theme_rank[a[1]].get(a[3], 0), a[4]))
    rows = []
    for response_id, question_id, repeat_key, row, option, num, txt in answers:
        q = questions[question_id]
        if q.kind in SCALES and num is not None:
            answer = int(num)
        elif num is not None:
            answer = num
        elif option:
            answer = dict(_option_labels(q)).get(option, option)
        else:
            answer = txt
        rows.append([number[response_id], *who_of[response_id], q.code, q.text,
                     dict(_row_labels(q)).get(row, row) if row else "", labels.repeat(q, repeat_key), answer])
    return AnswerTable(header, rows)


def _export_attrs(attributes: dict) -> tuple[str, str, str]:
    region = attributes.get("region")
    return (attributes.get("segment") or "", attributes.get("provider_type") or "",
            "" if region in (None, "") else str(region))
