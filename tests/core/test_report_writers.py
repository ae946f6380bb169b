"""The report writers on reports built by hand: the CSV exactly, the HTML self-contained with
every title from others escaped (in its SVG too), the PDF read back by ``pdftotext`` with its
numbers, a Unicode title, its page numbers and its table's heading on every page."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from djamon_desktop.core.report_csv import HEADER, csv_text
from djamon_desktop.core.report_html import html_text
from djamon_desktop.core.report_model import (
    RULES,
    Day,
    Figures,
    GroupReport,
    Report,
    SiteReport,
    month_span,
)
from djamon_desktop.core.report_pdf import pdf_bytes

LONDON = ZoneInfo("Europe/London")
MARCH = month_span(2026, 3, LONDON)
MADE = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
HOUR = 3_600_000


def days(
    down: dict[int, int] | None = None, average: float | None = 200.0, monitored: bool = True
) -> tuple[Day, ...]:
    """March 2026's days, each monitored whole (the 29th has 23 hours) or not at all, down
    ``down[day]`` ms."""
    down = down or {}
    out = []
    for n in range(31):
        day = date(2026, 3, 1) + timedelta(days=n)
        hours = (23 if day.day == 29 else 24) if monitored else 0
        checks = 1440 if average is not None else 0
        out.append(Day(day, hours * HOUR, down.get(day.day, 0), checks, checks, average))
    return tuple(out)


def figures(
    monitored_ms: int = 743 * HOUR,
    down_ms: int = 0,
    outages: int = 0,
    longest_down_ms: int = 0,
    excluded_ms: int = 0,
    median: int | None = 212,
    p95: int | None = 480,
    checks: int = 44_580,
    by_day: tuple[Day, ...] | None = None,
) -> Figures:
    return Figures(
        monitored_ms=monitored_ms,
        down_ms=down_ms,
        outages=outages,
        longest_down_ms=longest_down_ms,
        excluded_ms=excluded_ms,
        response_median_ms=median,
        response_p95_ms=p95,
        checks=checks,
        good=checks,
        days=days() if by_day is None else by_day,
    )


CHECKOUT = SiteReport(
    1,
    "Checkout",
    "https://shop.example.com/pay?a=1&b=2",
    True,
    figures(
        down_ms=3_785_400,  # 3785.4 s: 3785 to the second
        outages=2,
        longest_down_ms=3_000_500,  # 3000.5 s: a half rounds up, 3001
        excluded_ms=2 * HOUR,
        by_day=days({5: 3_000_500, 20: 784_900}),
    ),
)
FORMULA = SiteReport(
    2,
    '=HYPERLINK("http://x.example/"), a "quoted" title',
    "https://blog.example.com/",
    True,
    figures(median=95, p95=101, checks=40_000),
)
NEVER = SiteReport(
    3,
    "Printer",
    "http://printer.example.com/",
    False,
    figures(
        monitored_ms=0,
        median=None,
        p95=None,
        checks=0,
        by_day=days(average=None, monitored=False),
    ),
)


def report(*groups: GroupReport, group: str | None = None, now: datetime = MADE) -> Report:
    sites = [s for g in groups for s in g.sites]
    total = figures(
        monitored_ms=sum(s.figures.monitored_ms for s in sites),
        down_ms=sum(s.figures.down_ms for s in sites),
        outages=sum(s.figures.outages for s in sites),
        longest_down_ms=max((s.figures.longest_down_ms for s in sites), default=0),
        excluded_ms=sum(s.figures.excluded_ms for s in sites),
        median=150,
        p95=470,
        checks=sum(s.figures.checks for s in sites),
    )
    return Report(MARCH, "Europe/London", MADE, now, group, tuple(groups), total)


SHOPS = GroupReport("Shops", (CHECKOUT, FORMULA), figures(down_ms=3_785_400, outages=2))
OFFICE = GroupReport("Office", (NEVER,), NEVER.figures)


# -- CSV ------------------------------------------------------------------------------------


def test_the_csv_is_a_row_a_site_with_the_exact_numbers():
    text = csv_text(report(SHOPS, OFFICE))
    assert text == (
        "group,site,url,uptime_percent,monitored_seconds,outages,down_seconds,"
        "longest_down_seconds,response_median_ms,response_p95_ms,checks\n"
        "Shops,Checkout,https://shop.example.com/pay?a=1&b=2,99.86,2674800,2,3785,3001,212,480,"
        "44580\n"
        'Shops,"=HYPERLINK(""http://x.example/""), a ""quoted"" title",https://blog.example.com/,'
        "100.00,2674800,0,0,0,95,101,40000\n"
        "Office,Printer,http://printer.example.com/,,0,0,0,0,,,0\n"
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(HEADER)
    assert rows[2][1] == FORMULA.title  # read back exactly as written: nothing prefixed


def test_a_report_without_sites_is_its_header_alone():
    assert csv_text(report()) == ",".join(HEADER) + "\n"


def test_no_format_shows_a_password_a_url_carries(tmp_path):
    secret = SiteReport(5, "Admin", "https://ops:s3cr3t-pw@admin.example.com/", True, figures())
    made = report(GroupReport("Back office", (secret,), figures()))
    shown = "https://ops:***@admin.example.com/"
    assert f"Back office,Admin,{shown}," in csv_text(made)
    assert shown in html_text(made)
    assert squeezed(shown) in squeezed(pdf_text(pdf_bytes(made), tmp_path))  # wrapped
    for text in (csv_text(made), html_text(made), pdf_text(pdf_bytes(made), tmp_path)):
        assert "s3cr3t" not in text


# -- HTML -----------------------------------------------------------------------------------

HOSTILE_GROUP = '<b>Shops</b> "x" </svg><script>alert(1)</script>'
HOSTILE_SITE = SiteReport(
    9,
    "</svg><img src=x onerror=alert(1)> & 'single'",
    'https://evil.example.com/"><a href="https://evil.example.com/">',
    True,
    figures(down_ms=60_000, outages=1, longest_down_ms=60_000, by_day=days({3: 60_000})),
)


class Tags(HTMLParser):
    """Every tag and attribute of a page, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    return tags


def test_html_escapes_every_title_from_others_also_inside_svg():
    hostile = GroupReport(HOSTILE_GROUP, (HOSTILE_SITE,), figures(down_ms=60_000, outages=1))
    page = html_text(report(hostile))
    for raw in (HOSTILE_GROUP, HOSTILE_SITE.title, HOSTILE_SITE.url, "<script", "<img", "<b>"):
        assert raw not in page
    assert "&lt;b&gt;Shops&lt;/b&gt; &quot;x&quot; &lt;/svg&gt;&lt;script&gt;" in page
    assert "&lt;/svg&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#x27;single&#x27;" in page
    tags = parsed(page)
    names = {tag for tag, _ in tags.tags}
    assert names <= {
        "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "section",
        "dl", "dt", "dd", "div", "svg", "text", "line", "rect", "table", "thead", "tbody",
        "tr", "th", "td", "ol", "li", "span",
    }  # fmt: skip
    # the titles are text, whole: the group's heading and the site's cell say them as written
    text = "".join(tags.text)
    assert HOSTILE_GROUP in text and HOSTILE_SITE.title in text and HOSTILE_SITE.url in text
    # each SVG is well-formed XML on its own (nothing broke out of it), its titles escaped
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) == page.count("<svg") == 2 + 2 + 1  # overall, the group's, the strip
    for svg in svgs:
        ElementTree.fromstring(svg.replace("&nbsp;", " "))
    group_charts = [s for s in svgs if "Uptime by day · &lt;b&gt;" in s]
    assert len(group_charts) == 1
    title = ElementTree.fromstring(group_charts[0]).find("title")
    assert title is not None and title.text == f"Uptime by day · {HOSTILE_GROUP}"


def test_html_fetches_nothing_and_runs_nothing():
    page = html_text(report(SHOPS, OFFICE))
    tags = parsed(page)
    for tag, attrs in tags.tags:
        assert "src" not in attrs and "href" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), tag
    assert "<script" not in page and "<link" not in page and "<iframe" not in page
    assert "url(" not in page and "@import" not in page
    assert "xlink" not in page and "http://www.w3.org" not in page
    # the only addresses in the page are the sites', as text
    addresses = set(re.findall(r"https?://[^\s<\"&]+", page))
    assert addresses == {
        "https://shop.example.com/pay?a=1",
        "http://x.example/",
        "https://blog.example.com/",
        "http://printer.example.com/",
    }
    assert "@media print" in page and "@page" in page


def test_html_says_the_numbers_the_charts_the_exclusions_and_the_rules():
    page = html_text(report(SHOPS, OFFICE))
    text = "".join(parsed(page).text)
    assert "Uptime report: March 2026" in text
    assert "All groups (2) · 3 sites" in text
    assert "Days in local time (Europe/London). Made 1 April 2026 at 09:00." in text
    # Checkout's row, in the table's order
    row = re.search(r"<tr><td>Checkout<div.*?</tr>", page, re.S)
    assert row is not None
    cells = re.findall(r'<td class="n">(.*?)</td>', row.group(0))
    assert cells == [
        "99.86",
        "30 d 23 h",
        "1 h 3 min 5 s",
        "2",
        "50 min 1 s",
        "212 ms",
        "480 ms",
        "44,580",
    ]
    never = re.search(r"<tr><td>Printer \(inactive\)<div.*?</tr>", page, re.S)
    assert never is not None
    assert re.findall(r'<td class="n">(.*?)</td>', never.group(0)) == [
        "–", "0 s", "0 s", "0", "–", "–", "–", "0",
    ]  # fmt: skip
    assert "Excluded (maintenance windows, pauses, inactive): Checkout 2 h." in text
    assert "count neither for nor against uptime" in text
    # the charts: uptime and response time, overall and for each group
    for whose in ("all sites", "Shops", "Office"):
        assert f"<title>Uptime by day · {whose}</title>" in page
        assert f"<title>Mean response time by day · {whose}</title>" in page
    assert "<title>5 March 2026: 96.53 %</title>" in page  # a day's tooltip in Checkout's strip
    assert page.count("No data") == 2  # Office's: nothing monitored, no answers
    for rule in RULES:
        assert f"<li>{rule.replace('&', '&amp;')}</li>" in page.replace("&#x27;", "'")


def test_html_of_one_group_and_of_an_unfinished_span():
    early = datetime(2026, 3, 15, 12, 30, tzinfo=UTC)
    page = html_text(report(OFFICE, group="Office", now=early))
    text = "".join(parsed(page).text)
    assert "Group Office · 1 site" in text
    assert "Counted up to 15 March 2026 at 12:30; the rest is yet to come." in text
    empty = html_text(report(GroupReport("Empty", (), figures(monitored_ms=0)), group="Empty"))
    assert "The group Empty has no sites." in empty


# -- PDF ------------------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def squeezed(text: str) -> str:
    """Without white space: pdftotext may take a narrow space between ``5`` and ``s`` for
    none, or break a cell's words over two lines."""
    return re.sub(r"\s+", "", text)


UNICODE = "Magasins · Läden — Ελληνικά Кириллица ‘quoted’ {nb}"


def test_pdf_shows_the_numbers_a_unicode_title_and_page_numbers(tmp_path):
    site = SiteReport(4, "Café Ünïcödé", "https://café.example.com/", True, CHECKOUT.figures)
    shops = GroupReport(UNICODE, (site, FORMULA), SHOPS.figures)
    data = pdf_bytes(report(shops, OFFICE))
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert "Uptime report: March 2026" in text
    assert UNICODE in text  # "{nb}" too: only the footer's own stand-in becomes a number
    assert "Café Ünïcödé" in text and "https://café.example.com/" in text
    assert "Days in local time (Europe/London). Made 1 April 2026 at 09:00." in text
    flat = squeezed(text)
    for figure in ("99.86", "30d23h", "1h3min5s", "50min1s", "212ms", "480ms", "44,580"):
        assert figure in flat
    assert squeezed("Excluded (maintenance windows, pauses, inactive):") in flat
    assert squeezed(RULES[3]) in flat
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in page
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "595.28 x 841.89 pts (A4)" in info
    # the charts are drawn, not pictures: no image in the file
    images = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "report.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(images.strip().splitlines()) == 2  # the list's heading alone


def test_pdf_sets_chinese_and_japanese_in_a_font_of_the_machine(tmp_path):
    """DejaVu Sans has no CJK glyphs: fontconfig finds a font that has them (the test set-up
    installs Droid Sans Fallback), and the text after them stays in its own font."""
    site = SiteReport(6, "東京の店", "https://例え.jp/status", True, FORMULA.figures)
    shops = GroupReport("日本の店舗", (site, FORMULA), FORMULA.figures)
    text = pdf_text(pdf_bytes(report(shops)), tmp_path)
    assert "日本の店舗" in text
    assert "Uptime by day · 日本の店舗" in text
    assert "東京の店" in text and "https://例え.jp/status" in text
    assert FORMULA.title[:20] in text  # the row after it, in DejaVu Sans again


def test_a_long_table_breaks_across_pages_with_its_heading_on_each(tmp_path):
    sites = tuple(
        SiteReport(n, f"Shop number {n}", f"https://shop{n}.example.com/", True, FORMULA.figures)
        for n in range(1, 91)
    )
    big = GroupReport("Ninety shops", sites, FORMULA.figures)
    text = pdf_text(pdf_bytes(report(big)), tmp_path)
    pages = text.split("\f")[:-1]
    with_rows = [p for p in pages if re.search(r"Shop number \d+", p)]
    assert len(with_rows) >= 3
    for page in with_rows:
        assert re.search(r"Site\s+Uptime %\s+Monitored\s+Down\s+Outages\s+Longest", page)
    found = [int(n) for n in re.findall(r"Shop number (\d+) ", text)]
    assert found == list(range(1, 91))  # every row once, in order


@pytest.mark.parametrize("group", [None, "Office"])
def test_pdf_of_no_sites_says_so(tmp_path, group):
    groups = () if group is None else (GroupReport("Office", (), figures(monitored_ms=0)),)
    text = pdf_text(pdf_bytes(report(*groups, group=group)), tmp_path)
    said = "There are no sites to report on." if group is None else "The group Office has no"
    assert said in text
    assert squeezed(RULES[0]) in squeezed(text)
