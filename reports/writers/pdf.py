"""PDF: A4 landscape, one ReportLab table per page, "página X de Y" in the footer.

One table per page (rows measured and paginated here) instead of one long
platypus table: measured 3.0 s against 10.8 s for 10k rows (issue #7), because
ReportLab re-measures a long table for every page split. Long texts are
wrapped to their column here, with a cache of word widths, rather than with
Paragraphs (~100 µs per cell); each page's text is one PDF text object.
"""

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import escapePDF, fp_str, unicode2T1
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from reports.columns import DATE, DATETIME
from reports.writers import PROGRESS_EVERY

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 28
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_SIZE = 7.5
LEADING = 9
PADDING = 2
FOOTER_HEIGHT = 20
TOTAL_PAGES_FORM = "totalPages"
TOTAL_ROWS_FORM = "totalRows"
FIXED = "fixed"

_SCRATCH = Canvas(None)
HEADER_FILL = colors.HexColor("#DCE6F1")
GRID_COLOR = colors.HexColor("#9AA5B1")


def _column_widths(columns) -> list[float]:
    """Fixed-format columns get their sample's width; the rest share by weight."""
    fixed = {
        i: max(
            stringWidth(c.sample, FONT, FONT_SIZE),
            *(stringWidth(word, FONT_BOLD, FONT_SIZE) for word in str(c.label).split()),
        )
        + 2 * PADDING
        + 1
        for i, c in enumerate(columns)
        if c.sample
    }
    usable = PAGE_WIDTH - 2 * MARGIN - sum(fixed.values())
    total = sum(c.weight for i, c in enumerate(columns) if i not in fixed) or 1
    return [fixed.get(i, usable * c.weight / total) for i, c in enumerate(columns)]


# No Helvetica glyph is wider than this (in em): shorter texts fit unmeasured.
_WIDEST_GLYPH_EM = 1.02


def _cell_lines(text: str, font: str, inner_width: float) -> str:
    """Return ``text`` wrapped to the column (lines joined by newlines)."""
    if len(text) * _WIDEST_GLYPH_EM * FONT_SIZE <= inner_width:
        return text
    widths = _WordWidths.for_font(font)
    words = text.split()
    lines: list[str] = []
    line: list[str] = []
    line_width = 0.0
    for word in words:
        width = widths.of(word)
        if width > inner_width:  # e.g. a long e-mail: break it by characters
            if line:
                lines.append(" ".join(line))
            *full, word = _break_word(word, font, inner_width)
            lines.extend(full)
            line, line_width = [word], stringWidth(word, font, FONT_SIZE)
            continue
        if line and line_width + widths.space + width > inner_width:
            lines.append(" ".join(line))
            line, line_width = [word], width
        else:
            line_width += (widths.space if line else 0) + width
            line.append(word)
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


def _break_word(word: str, font: str, inner_width: float) -> list[str]:
    """Return ``word`` cut into pieces that fit the column (a glyph at least each).

    Helvetica's widths add up glyph by glyph: one pass, no re-measuring of
    every prefix (that was a third of a 10k-row PDF, the e-mails).
    """
    widths = _WordWidths.for_font(font)
    pieces, start, width = [], 0, 0.0
    for end, glyph in enumerate(word):
        glyph_width = widths.of(glyph)
        if width + glyph_width > inner_width and end > start:
            pieces.append(word[start:end])
            start, width = end, 0.0
        width += glyph_width
    pieces.append(word[start:])
    return pieces


class _WordWidths:
    """Widths of words already seen: names and places repeat a small vocabulary."""

    _by_font: dict[str, "_WordWidths"] = {}
    _MAX_WORDS = 200_000

    def __init__(self, font: str):
        self.font = font
        self.space = stringWidth(" ", font, FONT_SIZE)
        self.cache: dict[str, float] = {}

    @classmethod
    def for_font(cls, font: str) -> "_WordWidths":
        if font not in cls._by_font:
            cls._by_font[font] = cls(font)
        return cls._by_font[font]

    def of(self, word: str) -> float:
        width = self.cache.get(word)
        if width is None:
            width = stringWidth(word, self.font, FONT_SIZE)
            if len(self.cache) < self._MAX_WORDS:
                self.cache[word] = width
        return width


class _Pages:
    """Draws page furniture (title, filters, footer) and tracks the page number."""

    def __init__(self, canvas: Canvas, meta):
        self.canvas = canvas
        self.meta = meta
        self.number = 0

    def start(self) -> float:
        """Begin a page; return the y where the table may start (top)."""
        self.number += 1
        c = self.canvas
        y = PAGE_HEIGHT - MARGIN
        c.setFont(FONT_BOLD, 13)
        c.drawString(MARGIN, y - 12, str(self.meta.title))
        c.setFont(FONT, 8)
        generated = _("Gerado por %(who)s em %(when)s · registros: ") % {
            "who": self.meta.generated_by,
            "when": self.meta.generated_at.strftime("%d/%m/%Y %H:%M"),
        }
        c.drawString(MARGIN, y - 24, generated)
        # The row count, like the page total, is known only at the end.
        c.saveState()
        c.translate(MARGIN + stringWidth(generated, FONT, 8), y - 24)
        c.doForm(TOTAL_ROWS_FORM)
        c.restoreState()
        y -= 30
        if self.number == 1:
            filters = "; ".join(f"{label}: {value}" for label, value in self.meta.filters)
            text = _("Filtros: %(filters)s") % {"filters": filters or _("nenhum (todos)")}
            for line in simpleSplit(text, FONT, 8, PAGE_WIDTH - 2 * MARGIN):
                c.drawString(MARGIN, y - 8, line)
                y -= 10
            y -= 4
        # Footer: "página X de " + the total, a form drawn once at the end.
        label = _("Página %(page)s de ") % {"page": self.number}
        c.setFont(FONT, 8)
        width = stringWidth(label, FONT, 8)
        x = PAGE_WIDTH - MARGIN - width - 24
        c.drawString(x, MARGIN - 10, label)
        c.saveState()
        c.translate(x + width, MARGIN - 10)
        c.doForm(TOTAL_PAGES_FORM)
        c.restoreState()
        return y - 4

    def finish(self, rows: int) -> None:
        c = self.canvas
        for name, value in ((TOTAL_PAGES_FORM, str(self.number)), (TOTAL_ROWS_FORM, f"{rows:,}")):
            c.beginForm(name)
            c.setFont(FONT, 8)
            c.drawString(0, 0, value.replace(",", "."))
            c.endForm()


def write_pdf(path, columns, rows, meta, progress) -> int:
    """Write ``rows`` as a paginated table; return the number of rows."""
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    canvas.setTitle(str(meta.title))
    canvas.setAuthor(meta.generated_by)
    pages = _Pages(canvas, meta)
    widths = _column_widths(columns)
    inner = [w - 2 * PADDING for w in widths]
    header = [_cell_lines(str(c.label), FONT_BOLD, w) for c, w in zip(columns, inner, strict=True)]
    header_height = _height(header)
    # Fixed-format columns are as wide as their widest value: never measured.
    kinds = [FIXED if c.sample and c.kind not in (DATE, DATETIME) else c.kind for c in columns]
    bottom = MARGIN + FOOTER_HEIGHT - 10

    def flush(data, heights, top):
        _draw_table(canvas, data, widths, heights, top)
        canvas.showPage()

    top = pages.start()
    data, heights, room = [header], [header_height], top - bottom - header_height
    written = 0
    for row in rows:
        cells = [
            _display(value, kind, width)
            for value, kind, width in zip(row, kinds, inner, strict=True)
        ]
        height = _height(cells)
        if height > room and len(data) > 1:
            flush(data, heights, top)
            top = pages.start()
            data, heights, room = [header], [header_height], top - bottom - header_height
        data.append(cells)
        heights.append(height)
        room -= height
        written += 1
        if written % PROGRESS_EVERY == 0:
            progress(written)
    flush(data, heights, top)
    pages.finish(written)
    canvas.save()
    progress(written)
    return written


def _draw_table(canvas, data, widths, heights, top) -> None:
    """Draw one page's table: header fill, every cell's lines in one text object, grid."""
    left = MARGIN
    xs = [left]
    for width in widths:
        xs.append(xs[-1] + width)
    ys = [top]
    for height in heights:
        ys.append(ys[-1] - height)
    canvas.setFillColor(HEADER_FILL)
    canvas.rect(left, ys[1], xs[-1] - left, heights[0], stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    lefts = [fp_str(x + PADDING) for x in xs]
    ops = ["BT"]
    for index, cells in enumerate(data):
        font = FONT_BOLD if index == 0 else FONT
        ops.append(f"{canvas._doc.getInternalFontName(font)} {FONT_SIZE} Tf")
        # The cells of a row share their baselines: format each once.
        baselines = [fp_str(ys[index] - 1 - FONT_SIZE)]
        for cell, left in zip(cells, lefts, strict=False):
            if not cell:
                continue
            lines = cell.split("\n") if "\n" in cell else (cell,)
            while len(baselines) < len(lines):
                baselines.append(fp_str(ys[index] - 1 - FONT_SIZE - LEADING * len(baselines)))
            for line, baseline in zip(lines, baselines, strict=False):
                ops.append(f"1 0 0 1 {left} {baseline} Tm {_show(line, font)}")
    ops.append("ET")
    # One literal text object per page: ~4x faster than a platypus Table
    # drawing each cell with its own text object.
    canvas.addLiteral("\n".join(ops))
    canvas.setStrokeColor(GRID_COLOR)
    canvas.setLineWidth(0.25)
    canvas.grid(xs, ys)


def _show(line: str, font_name: str) -> str:
    """Return the PDF operator showing ``line`` in a standard (WinAnsi) font."""
    if line.isascii() and line.isprintable():  # WinAnsi encodes these as themselves
        return f"({escapePDF(line)}) Tj"
    font = getFont(font_name)
    pieces = unicode2T1(line, [font, *font.substitutionFonts])
    if len(pieces) == 1 and pieces[0][0] is font:
        return f"({escapePDF(pieces[0][1])}) Tj"
    # Characters outside WinAnsi: let ReportLab switch fonts for them.
    text = PDFTextObject(_SCRATCH)
    text.setFont(font_name, FONT_SIZE, LEADING)
    text.textOut(line)
    code = text.getCode()
    return code[code.index("Tf") + 2 :].rsplit("ET", 1)[0]


def _display(value, kind, inner_width):
    if value is None:
        return ""
    if kind == DATE:
        return value.strftime("%d/%m/%Y")
    if kind == DATETIME:
        return value.strftime("%d/%m/%Y %H:%M")
    if kind == FIXED:
        return str(value)
    if isinstance(value, str):
        return _cell_lines(value, FONT, inner_width) if value else ""
    return str(value)


def _height(cells) -> float:
    lines = max(c.count("\n") for c in cells) + 1
    return lines * LEADING + 3
