"""The documentation a newcomer reads holds together: every relative link in README.md and
docs/*.md reaches a file that exists and, when it names one, a heading in it; every setting is
in docs/settings.md; and nothing in the repository points outside it for the contract."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from djamon_desktop.core.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")


def prose(text: str) -> str:
    """The text without its code blocks, whose brackets and hashes are not links or headings."""
    return FENCE.sub("", text)


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces as
    hyphens, a repeated one numbered."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for line in prose(page.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"#{1,6} (.+)", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(page: Path) -> list[str]:
    text = INLINE_CODE.sub("", prose(page.read_text(encoding="utf-8")))
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]


def test_the_pages_exist():
    assert (ROOT / "docs" / "contract.md").is_file()
    assert len(PAGES) > 5
    assert sum(len(links(page)) for page in PAGES) > 50, "the link check would check nothing"


def broken_links(page: Path) -> list[str]:
    """Each relative link of the page whose file does not exist or has no such heading."""
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and (file.suffix != ".md" or anchor not in anchors(file)):
            broken.append(f"{target}: no heading #{anchor} in {file.name}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_reaches_a_file_and_heading(page):
    assert not broken_links(page)


def test_the_link_check_finds_a_missing_file_or_heading(tmp_path):
    """The check above can fail: links to a missing file and to missing headings are named,
    links in code are not links, and a good link passes."""
    page = tmp_path / "page.md"
    page.write_text(
        "# Here: the `start`\n\n## Here: the `start`\n\n"
        "[a](page.md#here-the-start-1) [b](nowhere.md) [c](#not-here) [d](page.md#here)\n\n"
        "```\n[e](gone.md)\n```\n`[f](gone.md)`\n"
    )
    assert anchors(page) == {"here-the-start", "here-the-start-1"}
    assert broken_links(page) == [
        "nowhere.md: no such file",
        "#not-here: no heading #not-here in page.md",
        "page.md#here: no heading #here in page.md",
    ]


def test_every_setting_is_in_the_settings_page():
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [s.key for s in SETTINGS if f"| `{s.key}` |" not in text]
    assert not missing, f"docs/settings.md lacks {missing}"


def test_the_counting_rules_in_the_readme_and_reports_page_are_the_reports_own():
    """Every report ends with core.report_model.RULES; the README and docs/reports.md quote
    them, numbered, word for word, so a rule changed in one place fails here."""
    from djamon_desktop.core.report_model import RULES

    quoted = "\n".join(f"{n}. {rule}" for n, rule in enumerate(RULES, 1))
    for page in (ROOT / "README.md", ROOT / "docs" / "reports.md"):
        assert quoted in page.read_text(encoding="utf-8"), f"{page.name} quotes other rules"


def repository_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs a git checkout to list the project's files")
    return [ROOT / n for n in filter(None, listed.decode().split("\0")) if (ROOT / n).is_file()]


def test_nothing_points_outside_the_repository_for_the_contract():
    """The contract is docs/contract.md; no file names a copy outside the repository."""
    outside = ["shared" + "/contract", ".." + "/shared"]
    named = []
    for file in repository_files():
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        named += [f"{file.relative_to(ROOT)}: {o}" for o in outside if o in text]
    assert not named, named
