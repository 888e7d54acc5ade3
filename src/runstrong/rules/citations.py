"""A short label for a source, made from its citation (`evidence.yaml`): who and when, in whole
words: `Silbernagel 2007` for one author, `Silbernagel & Crossley 2015` for two, `Lauersen et
al. 2014` for more; an organisation by its short name (the entry's `short`, e.g. `NICE 2020`); a
source without a year says so (`Potach & Chu (undated)`), and a list this project compiled is
named as this project's (`runstrong referral checklist (this project)`)."""

from __future__ import annotations

import re

_YEAR = re.compile(r"(?<![\w.])(?:19|20)\d{2}(?![\w])")
#: The year of a journal citation: the one the volume follows (`2007;35(6)`).
_JOURNAL_YEAR = re.compile(r"(?<![\w.])((?:19|20)\d{2})\s*;")
#: An author's initials in a Vancouver-style list (`Silbernagel KG`, `Nielsen RØ`).
_INITIALS = re.compile(r"[A-ZÀ-Þ]{1,4}")
_ET_AL = "et al"
#: How a citation of something that is not a publication says so.
_NOT_PUBLISHED = "Not a publication."
#: How a citation of a list this project compiled names it.
_PROJECT = ("runstrong ", "for this project")


def citation_year(citation: str) -> str | None:
    """The year of publication: the journal year when there is one, else the last year named."""
    journal = _JOURNAL_YEAR.search(citation)
    if journal:
        return journal.group(1)
    years = _YEAR.findall(citation)
    return years[-1] if years else None


def citation_authors(citation: str) -> list[str] | None:
    """The authors' surnames from a Vancouver-style author list (the citation's first sentence),
    ending in `et al` when the list does; None when the citation does not start with one."""
    head = citation.split(". ", 1)[0].rstrip(".")
    surnames: list[str] = []
    for name in (part.strip() for part in head.split(",")):
        if name == _ET_AL and surnames:
            surnames.append(_ET_AL)
            continue
        words = name.split()
        if len(words) < 2 or not _INITIALS.fullmatch(words[-1]):
            return None
        surnames.append(" ".join(words[:-1]))
    return surnames or None


def _first_phrase(citation: str) -> str:
    """The citation's first phrase: up to its first colon, bracket or full stop (whole words)."""
    return re.split(r":|\s\(|\.(?:\s|$)", citation.strip().strip('"'), maxsplit=1)[0].strip()


def _who(citation: str, short: str) -> str:
    if short:
        return short
    authors = citation_authors(citation)
    if authors is None:
        quoted = re.match(r'"([^"]+)"', citation.strip())
        return f"“{_first_phrase(quoted.group(1))}”" if quoted else _first_phrase(citation)
    if len(authors) == 1:
        return authors[0]
    if len(authors) == 2 and _ET_AL not in authors:
        return f"{authors[0]} & {authors[1]}"
    return f"{authors[0]} et al."


def citation_label(citation: str, short: str = "", key: str = "") -> str:
    """The source's short label (see the module's docstring); `short` names an organisation, and
    a key ending in a year with a letter (`von-rosen-2017b`) tells the year's second source."""
    text = " ".join(citation.split())
    if text.startswith(_PROJECT[0]) or _PROJECT[1] in text:
        return f"{short or _first_phrase(text)} (this project)"
    if text.endswith(_NOT_PUBLISHED):
        return f"{short or _first_phrase(text)} (not a publication)"
    year = citation_year(text)
    if year is None:
        return f"{_who(text, short)} (undated)"
    second = re.search(rf"-{year}([a-z])$", key)
    return f"{_who(text, short)} {year}{second.group(1) if second else ''}"
