"""The Report window's preview: the HTML writer's page (``core.report_html``), the file Save as
HTML writes, shown by Qt's rich text. That draws no SVG, so each inline ``<svg>`` chart is
drawn to an image with QtSvg (on the worker thread that built the report: a year of 100 sites
has hundreds of charts) and the page refers to it by a name of its own.

Nothing else is loaded: the page is the writer's, whose titles, URLs and messages from others are
escaped text, and the browser answers every other resource it could be asked for (a file, a URL)
with nothing."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, QRectF, QSize, QUrl
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QTextBrowser

log = logging.getLogger(__name__)

CHART = re.compile(r"<svg\b[^>]*>.*?</svg\s*>", re.S | re.I)
STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
#: a CSS rule, its selectors and its body (at-rules such as ``@media print`` are left out: QtSvg
#: reads only plain rules, and the print rules are not the screen's)
RULE = re.compile(r"([^{}@]+)\{([^{}]*)\}")
MEDIA = re.compile(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", re.S)
REM = re.compile(r"(\d*\.?\d+)rem\b")
#: a browser's root font size, which CSS ``rem`` lengths are counted in
ROOT_PX = 16
SWATCH = re.compile(r'<span style="background:\s*(rgb\([\d,\s]+\)|#[0-9a-fA-F]{3,6})"></span>')
TERM = re.compile(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", re.S)
#: the page's width in the preview: a browser's at the page's own widest (60rem), so that its
#: tables lay out as they do there (narrower, Qt left the sites' titles a letter wide)
PAGE_PX = 960
#: the widest a chart is drawn there (each is drawn at its own size when that is less: the
#: size its words were written for, readable; a browser's two side by side shrink them)
CHART_PX = 900
#: the charts' own scheme: the only resources the preview shows
SCHEME = "djamon-chart"
#: a chart drawn this many times finer than its place on the page (sharp on a HiDPI screen)
RATIO = 2


@dataclass(frozen=True)
class Page:
    """A page ready for a QTextDocument: its HTML, with each chart as an ``<img>`` of
    ``images`` (named ``djamon-chart:N``)."""

    html: str
    images: dict[str, QImage] = field(default_factory=dict)


def chart_css(html: str) -> str:
    """The page's plain CSS rules that speak of SVG (the charts' classes), for QtSvg."""
    css = MEDIA.sub("", "\n".join(STYLE.findall(html)))
    rules = []
    for selectors, body in RULE.findall(css):
        if "svg" in selectors or any(s.strip().startswith(".") for s in selectors.split(",")):
            rules.append(f"{selectors.strip()} {{{body.strip()}}}")
    return "\n".join(rules)


def for_qt(html: str) -> str:
    """The page as Qt's rich text can lay it out, the same words and numbers: it knows no
    ``rem`` (lengths in pixels instead), no grid (a list of terms becomes a table of two
    columns) and draws no empty coloured box (a legend's swatch becomes a coloured square)."""
    html = STYLE.sub(lambda m: REM.sub(lambda n: f"{float(n[1]) * ROOT_PX:g}px", m[0]), html)
    html = SWATCH.sub(lambda m: f'&nbsp; <span style="color: {m[1]}">■</span>&nbsp;', html)
    html = re.sub(r"<dl\b([^>]*)>", r"<table\1>", html).replace("</dl>", "</table>")
    return TERM.sub(r"<tr><td>\1</td><td><b>\2</b></td></tr>", html)


def preview_page(html: str, width: int = CHART_PX) -> Page:
    """``html`` for Qt (:func:`for_qt`), with each inline chart drawn to an image at its own
    size, at most ``width`` pixels wide."""
    html = for_qt(html)
    css = chart_css(html)
    images: dict[str, QImage] = {}

    def drawn(found: re.Match) -> str:
        image, size = draw_chart(found.group(0), css, width)
        if image is None:
            return ""
        name = f"{SCHEME}:{len(images)}"
        images[name] = image
        return f'<img src="{name}" width="{size.width()}" height="{size.height()}">'

    return Page(CHART.sub(drawn, html), images)


def draw_chart(svg: str, css: str, width: int) -> tuple[QImage | None, QSize]:
    """One ``<svg>`` drawn on white, with the page's CSS for charts put inside it; None when
    QtSvg can't read it."""
    head = re.match(r"<svg\b[^>]*>", svg, re.I)
    if head is not None and css:
        at = head.end()
        svg = f'{svg[:at]}<style type="text/css">{css}</style>{svg[at:]}'
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        return None, QSize()
    own = renderer.defaultSize()
    box = renderer.viewBoxF()
    natural = own if own.isValid() and not own.isEmpty() else box.size().toSize()
    if natural.isEmpty():
        return None, QSize()
    shown_width = min(natural.width(), width)
    size = QSize(shown_width, max(1, round(natural.height() * shown_width / natural.width())))
    image = QImage(size * RATIO, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    return image, size


class PreviewBrowser(QTextBrowser):
    """Shows a :class:`Page`; follows no link and loads nothing but the page's charts."""

    def __init__(self) -> None:
        super().__init__()
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setTabChangesFocus(True)  # Tab moves on: the page is read, not typed into
        self.setLineWrapMode(QTextBrowser.LineWrapMode.FixedPixelWidth)
        self.setLineWrapColumnOrWidth(PAGE_PX)  # (a narrower window scrolls across it)

    def show_page(self, page: Page) -> None:
        document = QTextDocument(self)
        for name, image in page.images.items():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        document.setHtml(page.html)
        self.setDocument(document)  # (the one before, the browser's child, is deleted)

    def show_words(self, text: str) -> None:
        """A line in place of the page (building, cancelled, failed), as plain text."""
        document = QTextDocument(self)
        document.setPlainText(text)
        self.setDocument(document)

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 - Qt's name
        log.warning("the report's page asked for %r: nothing is loaded", url.toString()[:200])
        return None
