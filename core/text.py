"""Policy text: one way to split it into paragraphs, render it safely and diff it.

The purchaser writes plain text: paragraphs separated by a blank line (a line of only spaces counts as blank),
'# ' headings and '- ' list items. Everything that counts, shows or compares paragraphs (the preview, the diff
and the change summary of a published version) uses `paragraphs()` here, so they always agree.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")


def paragraphs(text: str) -> list[str]:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def _block_html(kind: str, lines: list[str], level: int) -> str:
    if kind == "heading":
        return f'<h{level} class="utrecht-heading-{level}">{lines[0]}</h{level}>'
    if kind == "list":
        return ('<ul class="utrecht-unordered-list">'
                + "".join(f'<li class="utrecht-unordered-list__item">{item}</li>' for item in lines) + "</ul>")
    return '<p class="utrecht-paragraph">' + "<br>".join(lines) + "</p>"


def render_policy_text(text: str, *, heading_level: int = 2) -> SafeString:
    """Paragraphs, '# ' headings and '- ' lists, nothing else. Every piece of text is escaped before any
    markup is added, so a policy cannot inject HTML into the pages that show it."""
    level = max(2, min(heading_level, 6))
    blocks: list[tuple[str, list[str]]] = []  # (kind, escaped lines); consecutive lines of one kind merge
    for paragraph in paragraphs(text):
        previous_kind = None
        for raw_line in paragraph.split("\n"):
            line = raw_line.strip()
            if not line:
                continue
            if line.startswith("# ") or line == "#":
                kind, content = "heading", line[1:].strip()
            elif line.startswith("- "):
                kind, content = "list", line[2:].strip()
            else:
                kind, content = "paragraph", line
            if kind == previous_kind and kind != "heading":
                blocks[-1][1].append(escape(content))
            else:
                blocks.append((kind, [escape(content)]))
            previous_kind = kind
    html = "\n".join(_block_html(kind, lines, level) for kind, lines in blocks)
    return mark_safe(html)  # noqa: S308 - built only from escaped text and fixed tags


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    segments: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
        if tag in ("delete", "replace"):
            segments.append(("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


def paragraph_diff(old: str, new: str) -> list[dict]:
    """What changed, paragraph by paragraph, with the words that changed inside a changed paragraph. A
    replaced run pairs its paragraphs one to one; what is left over counts as removed or added. Runs of
    unchanged paragraphs are collapsed to a count. Plain data: the template escapes it."""
    a, b = paragraphs(old), paragraphs(new)
    result: list[dict] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            result.append({"op": "same", "count": i2 - i1})
            continue
        pairs = list(zip(a[i1:i2], b[j1:j2], strict=False)) if tag == "replace" else []
        result += [{"op": "changed", "segments": _word_diff(x, y)} for x, y in pairs]
        result += [{"op": "removed", "text": p} for p in a[i1 + len(pairs):i2]]
        result += [{"op": "added", "text": p} for p in b[j1 + len(pairs):j2]]
    return result


def has_changes(diff: list[dict]) -> bool:
    return any(part["op"] != "same" for part in diff)


@dataclass(frozen=True)
class ParagraphCounts:
    changed: int
    added: int
    removed: int

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def paragraph_counts(old: str, new: str) -> ParagraphCounts:
    """How many paragraphs the diff shows as changed, added and removed (the same pairing as paragraph_diff)."""
    ops = [part["op"] for part in paragraph_diff(old, new)]
    return ParagraphCounts(changed=ops.count("changed"), added=ops.count("added"), removed=ops.count("removed"))
