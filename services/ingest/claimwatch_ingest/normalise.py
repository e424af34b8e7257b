"""Text normalisation: a pure function from what was received to what extraction reads.

Every evidence span downstream points into the text this returns, and the article id is a
hash of it, so it must be deterministic and must remove only what is not the article:

1. markup to text (HTML via lxml; light Markdown);
2. characters: Unicode NFKC, no zero-width or control characters, one newline style;
3. page furniture dropped (rules in data/furniture.yaml: "Table of Contents" and its entries,
   "Related article: ...", share/newsletter prompts, ...);
4. hard-wrapped lines (print layouts, PDF copies) rejoined into paragraphs, soft hyphens at
   line ends removed;
5. quotes made consistent: typographic quotes to ASCII, ``''``/````` to ``"``, and a
   mismatched pair (``"...'`` or ``'..."``) closed with the kind it opened with;
6. a paragraph repeated verbatim (a standfirst or caption echoed in the body) kept once.

The original text is kept by the caller (``Article.original_text``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from lxml import etree
from lxml import html as lxml_html

from claimwatch_ingest.furniture import FurnitureRules, default_furniture

# Elements whose content is never article text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "button", "form",
    "nav", "footer", "aside", "select", "input", "head",
)  # fmt: skip
# Elements that start a new paragraph / a new line.
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "section",
        "header",
        "main",
        "blockquote",
        "figure",
        "figcaption",
        "table",
        "ul",
        "ol",
        "dl",
        "pre",
        "address",
        "hr",
    ]
)
_LINE_TAGS = frozenset(["tr", "dt", "dd"])
_CELL_TAGS = frozenset(["td", "th"])

_QUOTES = str.maketrans(
    {
        "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "〝": '"', "〞": '"',
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "‹": "'", "›": "'", "`": "'",
    }
)  # fmt: skip
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_TERMINAL = re.compile(r"""[.!?]["')\]]*$""")
_WRAP_MAX = 100  # lines longer than this were not hard-wrapped by a print layout
_DEDUPE_MIN_CHARS = 20  # shorter repeats ("No.", "* * *") are left alone
ITEM = "\u2022 "  # marks a list item: always its own paragraph, never joined to the next line


def normalise(
    raw: str, content_type: str = "text/plain", *, furniture: FurnitureRules | None = None
) -> str:
    """Normalised article text: paragraphs separated by one blank line; "" if nothing is left."""
    media = content_type.split(";")[0].strip().lower()
    if "html" in media:
        text = html_to_text(raw)
    elif media in ("text/markdown", "text/x-markdown"):
        text = markdown_to_text(raw)
    else:
        text = raw
    text = clean_characters(text)
    blocks = drop_furniture(split_blocks(text), furniture or default_furniture())
    paragraphs = [fix_quotes(p) for block in blocks for p in unwrap(block)]
    return "\n\n".join(dedupe_paragraphs(p for p in paragraphs if p))


# --------------------------------------------------------------------------- markup


def html_to_text(raw: str) -> str:
    """Visible text of an HTML document or fragment, blocks separated by blank lines."""
    raw = _NOT_XML.sub("", raw)  # lxml refuses control characters in text nodes
    if not raw.strip():
        return ""
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        doc = lxml_html.document_fromstring(raw.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(doc, *_DROP_TAGS, with_tail=False)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag != "pre":
            el.text = _squash(el.text)
            el.tail = _squash(el.tail)
        if el.tag in _BLOCK_TAGS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
        elif el.tag == "li":
            el.text = "\n" + ITEM + (el.text or "")
        elif el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _LINE_TAGS:
            el.text = "\n" + (el.text or "")
        elif el.tag in _CELL_TAGS:
            el.text = " " + (el.text or "")
    return str(doc.text_content())


def _squash(value: str | None) -> str | None:
    """HTML source whitespace (indentation, newlines) is not text layout."""
    return re.sub(r"\s+", " ", value) if value else value


_MD_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M), r"\n\n\1\n\n"),  # headings: own block
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(?=\S)", re.M), ITEM),  # list items
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # italic *x*
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),  # italic _x_
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
    (re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.M), "\n"),  # rules
]


def markdown_to_text(raw: str) -> str:
    """Markdown syntax removed; headings and list items become their own lines."""
    text = raw
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return text


# --------------------------------------------------------------------------- characters


def clean_characters(text: str) -> str:
    """NFKC, one newline style, no invisible or control characters, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = "".join(
        " " if ch == "\t" else ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return re.sub(r"[^\S\n]+", " ", text)


# --------------------------------------------------------------------------- blocks


def split_blocks(text: str) -> list[list[str]]:
    """Blocks of lines separated by blank lines; lines keep leading spaces (indent = new para)."""
    blocks: list[list[str]] = []
    for chunk in re.split(r"\n[^\S\n]*\n", text):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if lines:
            blocks.append(lines)
    return blocks


def _entry_like(line: str) -> bool:
    """A table-of-contents or link-list entry: short, and not the end of a sentence."""
    stripped = line.strip()
    return len(stripped) <= 80 and not _TERMINAL.search(stripped)


def drop_furniture(blocks: list[list[str]], rules: FurnitureRules) -> list[list[str]]:
    """Blocks without furniture lines; a `section` rule also takes the entries after it."""
    out: list[list[str]] = []
    skip_entry_block = False
    for block in blocks:
        if skip_entry_block and all(_entry_like(line) for line in block):
            skip_entry_block = False
            continue
        skip_entry_block = False
        kept: list[str] = []
        i = 0
        while i < len(block):
            rule = rules.match(_unmark(block[i]))
            if rule is None:
                kept.append(block[i])
                i += 1
                continue
            i += 1
            if rule.scope == "section":
                if i == len(block):  # a heading alone: its entries are the next block
                    skip_entry_block = True
                while i < len(block) and _entry_like(block[i]):
                    i += 1
        if kept:
            out.append(kept)
    return out


def unwrap(lines: list[str]) -> list[str]:
    """Paragraphs of one block, with hard-wrapped lines joined.

    A block whose lines are longer than any print column holds one paragraph per line.
    Otherwise lines are joined, and a paragraph ends at a short line that ends a sentence
    (clearly shorter than the column) or before an indented line.
    """
    if len(lines) == 1:
        return [_unmark(lines[0])]
    width = max(len(line.strip()) for line in lines)
    if width > _WRAP_MAX:
        return [_unmark(line) for line in lines]
    paragraphs: list[str] = []
    current = ""
    for n, line in enumerate(lines):
        stripped = _unmark(line)
        starts_new = line.lstrip().startswith(ITEM) or (n > 0 and line.startswith(" "))
        if starts_new and current:
            paragraphs.append(current)
            current = ""
        current = _join(current, stripped)
        if _TERMINAL.search(stripped) and len(stripped) < 0.7 * width:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _unmark(line: str) -> str:
    stripped = line.strip()
    return stripped[len(ITEM) :].strip() if stripped.startswith(ITEM) else stripped


def _join(left: str, right: str) -> str:
    if not left:
        return right
    if re.search(r"[^\W\d_]-$", left) and right[:1].islower():
        return left[:-1] + right  # "legiti-" + "mate": a hyphen the line break added
    return f"{left} {right}"


# --------------------------------------------------------------------------- quotes


def fix_quotes(paragraph: str) -> str:
    """Typographic quotes to ASCII and a mismatched pair closed with the kind it opened with."""
    text = paragraph.replace("``", '"').replace("''", '"').translate(_QUOTES)
    if text.count('"') % 2 == 0:
        return text
    opening, closing = _unpaired_double_quotes(text)
    chars = list(text)
    for i in opening:
        j = _find_closing_single(text, i + 1)
        if j is not None:
            chars[j] = '"'
    for i in closing:
        j = _find_opening_single(text, i)
        if j is not None:
            chars[j] = '"'
    return "".join(chars)


def _unpaired_double_quotes(text: str) -> tuple[list[int], list[int]]:
    """Positions of ``"`` left open at the end, and of ``"`` that close nothing."""
    stack: list[int] = []
    stray_closing: list[int] = []
    for i, ch in enumerate(text):
        if ch != '"':
            continue
        before = text[i - 1] if i else " "
        opens = before.isspace() or before in "([{—–-/"
        if opens:
            stack.append(i)
        elif stack:
            stack.pop()
        else:
            stray_closing.append(i)
    return stack, stray_closing


def _find_closing_single(text: str, start: int) -> int | None:
    """A ``'`` closing a quotation (after punctuation, or a word at a clause end)."""
    for m in re.finditer("'", text[start:]):
        j = start + m.start()
        before = text[j - 1] if j else " "
        after = text[j + 1] if j + 1 < len(text) else " "
        if after.isalnum() or before.isspace():
            continue  # don't, troops'... or an opening quote
        if before in ".,!?;:" or after in ".,;:!?)":
            return j
    return None


def _find_opening_single(text: str, end: int) -> int | None:
    """A ``'`` opening a quotation before ``end`` (after a space, before a word)."""
    for j in range(end - 1, -1, -1):
        if text[j] != "'":
            continue
        before = text[j - 1] if j else " "
        after = text[j + 1] if j + 1 < len(text) else " "
        if (before.isspace() or before in "([{—–-") and after.isalnum():
            return j
    return None


# --------------------------------------------------------------------------- repeats


def _dedupe_key(paragraph: str) -> str:
    return re.sub(r"\W+", " ", paragraph.casefold()).strip()


def dedupe_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Paragraphs in order, each (caption, standfirst, pull quote) kept only the first time."""
    seen: set[str] = set()
    out: list[str] = []
    for paragraph in paragraphs:
        key = _dedupe_key(paragraph)
        if len(key) >= _DEDUPE_MIN_CHARS and key in seen:
            continue
        seen.add(key)
        out.append(paragraph)
    return out
