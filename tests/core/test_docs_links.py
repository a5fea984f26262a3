"""README.md and docs/**/*.md: every relative link and anchor resolves inside the repository, and
nothing points outside it (the repo stands alone: no ../shared/, no absolute file paths)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("**/*.md")])

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
MARKDOWN_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
AUTOLINK = re.compile(r"<((?:https?|file|mailto):[^>\s]+)>")
HTML_LINK = re.compile(r"<(?:a|img|source)\b[^>]*?\b(?:href|src)=\"([^\"]+)\"", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
EXPLICIT_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.IGNORECASE)
WEB = ("http://", "https://", "mailto:")


def prose(text: str) -> str:
    """The text with code blocks and code spans blanked: a `[x](y)` in code is not a link."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def links(document: Path) -> list[str]:
    text = prose(document.read_text(encoding="utf-8"))
    return [match.group(1) for pattern in (MARKDOWN_LINK, AUTOLINK, HTML_LINK) for match in pattern.finditer(text)]


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, markup and punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading keeps its text
    text = re.sub(r"<[^>]+>", "", text).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(document: Path) -> set[str]:
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    found: set[str] = set(EXPLICIT_ANCHOR.findall(text))
    seen: dict[str, int] = {}
    for heading in HEADING.findall(text):
        slug = github_slug(heading)
        found.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return found


def problems(document: Path) -> list[str]:
    found: list[str] = []
    for link in links(document):
        if link.startswith(WEB):
            continue
        if ":" in link.split("/")[0] or link.startswith(("/", "~", "\\")):
            found.append(f"{link}: not a path inside the repository")
            continue
        path_part, _, fragment = link.partition("#")
        target = (document.parent / unquote(path_part)).resolve() if path_part else document
        if not target.is_relative_to(ROOT) or "shared" in target.relative_to(ROOT).parts[:1]:
            found.append(f"{link}: points outside the repository")
        elif not target.exists():
            found.append(f"{link}: no such file")
        elif fragment and (target.suffix != ".md" or unquote(fragment) not in anchors(target)):
            found.append(f"{link}: no heading with the anchor #{fragment} in {target.relative_to(ROOT)}")
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_of_the_document_resolves_inside_the_repository(document: Path) -> None:
    assert problems(document) == []


def test_the_readme_links_the_api_guide() -> None:
    assert "docs/api.md" in links(ROOT / "README.md")


def test_the_checker_refuses_links_out_of_the_repository_and_to_missing_files_or_anchors() -> None:
    document = ROOT / "docs" / "link-checker-sample.md"
    document.write_text(
        "# A title\n\n## Second part\n\n"
        "[guide](../shared/API.md) [abs](/etc/passwd) [file](file:///etc/passwd) [gone](missing.md)\n"
        "[bad anchor](api.md#no-such-part) [good anchor](api.md#error-codes) [here](#second-part)\n"
        '[web](https://example.com/x) `[in code](../shared/x.md)` <img src="screenshots/none.png">\n'
        "```\n[in a block](../../outside.md)\n```\n",
        encoding="utf-8",
    )
    try:
        found = problems(document)
    finally:
        document.unlink()

    assert found == [
        "../shared/API.md: points outside the repository",
        "/etc/passwd: not a path inside the repository",
        "file:///etc/passwd: not a path inside the repository",
        "missing.md: no such file",
        "api.md#no-such-part: no heading with the anchor #no-such-part in docs/api.md",
        "screenshots/none.png: no such file",
    ]
