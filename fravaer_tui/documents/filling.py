"""Filling a template: every `{{name}}` in body, tables (nested), headers and footers.

Filling works on a paragraph's text, not on single runs (DESIGN, Known pitfalls):
Word splits `{{elev_navn}}` over several runs as soon as someone edits the template.
The replacement goes into the run where the match starts, keeping that run's
formatting, and the runs the match spans are trimmed (python-docx issue #30).

Placeholders without a value are left visible in the output and listed in the
`FillReport`; the caller decides whether to warn, refuse or go on."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from lxml import etree

from fravaer_tui.documents import layout
from fravaer_tui.errors import UserError


class TemplateError(UserError):
    """A template that is not a readable .docx file."""

    def __init__(self, path: object, detail: str) -> None:
        super().__init__(
            f"Malen {path} kan ikke leses som et Word-dokument (.docx): {detail}. "
            "Lagre den på nytt fra Word som .docx, eller bygg malene på nytt "
            "(python tools/build_templates.py)."
        )
        self.path = path


@dataclass(frozen=True, slots=True)
class FillReport:
    """What happened to the placeholders; `unknown` ones are still `{{name}}` in the output."""

    path: Path
    filled: tuple[str, ...]  # placeholders that got a value
    unknown: tuple[str, ...]  # placeholders in the template with no value given
    unused: tuple[str, ...]  # values given that the template does not use
    malformed: tuple[str, ...]  # text around a `{{` or `}}` that is not a placeholder

    @property
    def complete(self) -> bool:
        return not self.unknown and not self.malformed


def render_template(template: Path, values: Mapping[str, str]) -> tuple[bytes, FillReport]:
    """The filled document as bytes (the caller decides where and how it is written)."""
    document = _open(template)
    clean = {name: layout.xml_safe(value) for name, value in values.items()}
    found: set[str] = set()
    unknown: set[str] = set()
    malformed: list[str] = []
    for paragraph in _paragraphs(document):
        malformed.extend(_malformed(_paragraph_text(paragraph)))
        _fill_paragraph(paragraph, clean, found, unknown)
    return layout.to_bytes(document), FillReport(
        path=template,
        filled=tuple(sorted(found - unknown)),
        unknown=tuple(sorted(unknown)),
        unused=tuple(sorted(set(values) - found)),
        malformed=tuple(malformed),
    )


def placeholders(template: Path) -> set[str]:
    """The placeholder names a template uses, wherever they are and however they are split."""
    document = _open(template)
    names: set[str] = set()
    for paragraph in _paragraphs(document):
        names.update(m.group(1) for m in layout.PLACEHOLDER.finditer(_paragraph_text(paragraph)))
    return names


def read_text(path: Path) -> str:
    """All text of a .docx, one paragraph a line: headers, body (tables too), footers."""
    document = _open(path)
    lines = []
    for paragraph in _paragraphs(document):
        parts = []
        for el in _own(paragraph, (layout.W_T, layout.W_TAB, layout.W_BR, layout.W_CR)):
            if el.tag == layout.W_T:
                parts.append(el.text or "")
            else:
                parts.append("\t" if el.tag == layout.W_TAB else "\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def _open(path: Path) -> DocxDocument:
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as e:
        raise TemplateError(path, str(e) or type(e).__name__) from e


def _paragraphs(document: DocxDocument) -> Iterator[etree._Element]:
    """Every w:p of headers, body and footers, nested tables and text boxes included.

    Footnotes, endnotes and comments are not walked: the forms have none.
    """
    headers, footers = [], []
    for rel in document.part.rels.values():
        if rel.is_external:
            continue
        if rel.reltype == RT.HEADER:
            headers.append(rel.target_part)
        elif rel.reltype == RT.FOOTER:
            footers.append(rel.target_part)
    roots = [p.element for p in sorted(headers, key=lambda p: p.partname)]
    roots.append(document.element.body)
    roots += [p.element for p in sorted(footers, key=lambda p: p.partname)]
    for root in roots:
        yield from list(root.iter(layout.W_P))  # a list: filling changes the tree under the walk


def _own(paragraph: etree._Element, tags: tuple[str, ...]) -> list[etree._Element]:
    """Elements of `paragraph` with one of `tags`, leaving out those of paragraphs inside it."""
    return [
        el for el in paragraph.iter(*tags) if next(el.iterancestors(layout.W_P), None) is paragraph
    ]


def _paragraph_text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in _own(paragraph, (layout.W_T,)))


def _malformed(text: str) -> list[str]:
    rest = layout.PLACEHOLDER.sub(" ", text)
    out = []
    for m in re.finditer(r"\{\{|\}\}", rest):
        out.append(rest[max(0, m.start() - 20) : m.end() + 20].strip())
    return out


def _fill_paragraph(
    paragraph: etree._Element, values: Mapping[str, str], found: set[str], unknown: set[str]
) -> None:
    texts = _own(paragraph, (layout.W_T,))
    joined = "".join(t.text or "" for t in texts)
    if "{{" not in joined:
        return
    spans = []  # (start, length) of each w:t in the paragraph's text, before any change
    offset = 0
    for t in texts:
        spans.append((offset, len(t.text or "")))
        offset += spans[-1][1]
    # Right to left: text left of a match is never changed by replacing it, so the
    # offsets of the matches still to do stay valid.
    for match in reversed(list(layout.PLACEHOLDER.finditer(joined))):
        name = match.group(1)
        found.add(name)
        if name not in values:
            unknown.add(name)
            continue
        _replace(texts, spans, match.start(), match.end(), values[name])


def _replace(
    texts: list[etree._Element], spans: list[tuple[int, int]], begin: int, end: int, value: str
) -> None:
    first = _index(spans, begin)
    last = _index(spans, end - 1)
    starts = [start for start, _ in spans]
    head = texts[first]
    head_text = head.text or ""
    a = begin - starts[first]
    if first == last:
        _set_text(head, head_text[:a] + value + head_text[end - starts[first] :])
    else:
        _set_text(head, head_text[:a] + value)
        for t in texts[first + 1 : last]:
            _set_text(t, "")
            _drop_if_empty(t)
        tail = texts[last]
        _set_text(tail, (tail.text or "")[end - starts[last] :])
        _drop_if_empty(tail)
    _expand_breaks(head)


def _index(spans: list[tuple[int, int]], pos: int) -> int:
    """The w:t holding character `pos` of the paragraph's text."""
    for i, (start, length) in enumerate(spans):
        if start <= pos < start + length:
            return i
    raise ValueError(pos)


def _set_text(t: etree._Element, text: str) -> None:
    t.text = text
    t.set(layout.XML_SPACE, "preserve")


def _drop_if_empty(t: etree._Element) -> None:
    """Remove a run the match emptied, so no stray formatting is left behind."""
    if t.text:
        return
    run = t.getparent()
    if run is None or run.tag != layout.W_R:
        return
    if all(
        child.tag == layout.W_RPR or (child.tag == layout.W_T and not child.text) for child in run
    ):
        parent = run.getparent()
        if parent is not None:
            parent.remove(run)


def _expand_breaks(t: etree._Element) -> None:
    """Newlines and tabs in a value become <w:br/> and <w:tab/> in the same run."""
    text = t.text or ""
    if "\n" not in text and "\t" not in text:
        return
    pieces = re.split(r"(\n|\t)", text)
    _set_text(t, pieces[0])
    anchor = t
    for piece in pieces[1:]:
        if not piece:
            continue
        if piece in ("\n", "\t"):
            el = OxmlElement("w:br" if piece == "\n" else "w:tab")
        else:
            el = OxmlElement("w:t")
            _set_text(el, piece)
        anchor.addnext(el)
        anchor = el
