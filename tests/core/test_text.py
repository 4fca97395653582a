"""Policy text is split into paragraphs one way, whether it is previewed, diffed or summarised."""

import pytest
from django.utils import translation

from core.text import paragraph_counts, paragraph_diff, paragraphs, render_policy_text
from insurers.models import change_lines

# Word processors paste "blank" lines that hold a space or a non-breaking space.
OLD = "# Inleiding\n \nWij kopen zorg in.\n\u00a0\nDe tarieven volgen de NZa."
NEW = "# Inleiding\n\nWij kopen zorg in volgens de GCP.\n\nDe tarieven volgen de NZa."


def test_a_line_of_spaces_separates_paragraphs_everywhere():
    assert paragraphs(OLD) == ["# Inleiding", "Wij kopen zorg in.", "De tarieven volgen de NZa."]
    html = render_policy_text(OLD, heading_level=2)
    assert html.count('<p class="utrecht-paragraph">') == 2
    assert [part["op"] for part in paragraph_diff(OLD, NEW)] == ["same", "changed", "same"]
    counts = paragraph_counts(OLD, NEW)
    assert (counts.changed, counts.added, counts.removed) == (1, 0, 0)


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", ["Tekst: 1 alinea gewijzigd, 2 toegevoegd, 0 verwijderd.", "Bijlage toegevoegd: rekenmodel.pdf."]),
    ("en", ["Text: 1 paragraph changed, 2 added, 0 removed.", "Attachment added: rekenmodel.pdf."]),
])
def test_the_change_summary_reads_in_the_readers_language(language, expected):
    changes = {"title": None, "changed": 1, "added": 2, "removed": 0, "attachments_added": ["rekenmodel.pdf"],
               "attachments_removed": []}
    with translation.override(language):
        assert change_lines(changes) == expected
