"""The Rubric tab: the factors (weight, maximum points) on the left, the chosen factor's grade
bands, descriptors and guiding questions on the right; the last entry is the basic criteria.

The details are written into a read-only document with a text cursor: rubric text is inserted
as plain text (never parsed as markup) while headings still get their own weight and size.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, Qt
from PySide6.QtGui import QFont, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from app.domain.rubric import Factor, GradeBand, Rubric
from app.i18n import _
from ui.shell.models import RubricOutlineModel, localized, number
from ui.shell.table_view import ReadOnlyTableView


class RubricPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rubric: Rubric | None = None
        self.model = RubricOutlineModel()
        self.outline = ReadOnlyTableView(self.model, stretch=(0,))
        self.outline.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._span_criteria_row)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.details.document().setDocumentMargin(14)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.outline)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.retranslate()

    def set_rubric(self, rubric: Rubric | None) -> None:
        self._rubric = rubric
        if rubric is None:
            self.model.set_rows([])
        else:
            self.model.set_rubric(rubric)
        self.retranslate()

    def retranslate(self) -> None:
        self.outline.setAccessibleName(_("Rubric factors"))
        self.details.setAccessibleName(_("Rubric details"))
        self.model.retranslate()
        self._show_current()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._show_current()  # the details are sized from the app font: redraw on zoom
        super().changeEvent(event)

    def _span_criteria_row(self) -> None:
        self.outline.clearSpans()
        last = self.model.rowCount() - 1
        if last >= 0:
            self.outline.setSpan(last, 0, 1, self.model.columnCount())

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_current()

    def _show_current(self) -> None:
        self.details.clear()
        index = self.outline.currentIndex()
        if self._rubric is None or not index.isValid():
            return
        writer = _DocumentWriter(QTextCursor(self.details.document()))
        factor = self.model.row_object(index.row())
        if factor is None:
            _write_criteria(writer, self._rubric)
        else:
            _write_factor(writer, self._rubric, factor)
        self.details.moveCursor(QTextCursor.MoveOperation.Start)


class _DocumentWriter:
    """Headings, paragraphs and bullet lists of plain text, sized from the app font."""

    def __init__(self, cursor: QTextCursor) -> None:
        self.cursor = cursor
        self.base = QApplication.font().pointSizeF()
        self._first = True

    def _block(self, top: float, indent: float = 0) -> None:
        fmt = QTextBlockFormat()
        fmt.setTopMargin(0 if self._first else top)
        fmt.setBottomMargin(2)
        if indent:
            fmt.setLeftMargin(indent)
            fmt.setTextIndent(-indent * 0.7)  # hanging indent: wrapped lines clear the bullet
        if self._first:
            self.cursor.setBlockFormat(fmt)
            self._first = False
        else:
            self.cursor.insertBlock(fmt)

    def _char(self, size: float, *, bold: bool = False, muted: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setFontPointSize(size)
        if bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        if muted:
            fmt.setForeground(QApplication.palette().placeholderText())
        return fmt

    def heading(self, text: str, *, level: int = 2) -> None:
        self._block(16 if level <= 2 else 10)
        size = self.base + (5 if level == 1 else 2 if level == 2 else 0)
        self.cursor.insertText(text, self._char(size, bold=True))

    def paragraph(self, text: str, *, muted: bool = False) -> None:
        self._block(3)
        self.cursor.insertText(text, self._char(self.base, muted=muted))

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self._block(4, indent=self.base * 1.6)
            self.cursor.insertText(f"•  {item}", self._char(self.base))


def band_range(rubric: Rubric, band: GradeBand, factor: Factor) -> str:
    """The band's scores for ``factor`` as a range, lowest–highest ("15–18.5")."""
    low, high = rubric.band_range(band, factor)
    return f"{number(low)}–{number(high)}"


def _write_factor(writer: _DocumentWriter, rubric: Rubric, factor: Factor) -> None:
    writer.heading(localized(factor.name), level=1)
    writer.paragraph(
        _(
            "Weight {weight} of {total} · maximum {max_points} points · scored in steps of {step}",
            weight=number(factor.weight),
            total=number(rubric.total_weight),
            max_points=number(factor.max_points),
            step=number(factor.step),
        ),
        muted=True,
    )
    writer.heading(_("Grade bands"))
    for band in rubric.bands:
        writer.heading(
            _(
                "{band} — {points} points",
                band=localized(band.name),
                points=band_range(rubric, band, factor),
            ),
            level=3,
        )
        descriptor = factor.descriptor(band.key)
        writer.paragraph(localized(descriptor) if descriptor else "—")
    if factor.guiding_questions:
        writer.heading(_("Guiding questions"))
        writer.bullets([localized(q) for q in factor.guiding_questions])


def _write_criteria(writer: _DocumentWriter, rubric: Rubric) -> None:
    writer.heading(_("Basic criteria"), level=1)
    writer.paragraph(
        _(
            "Each application is checked against these before any factor is scored: "
            "met, not met, or unclear, with a note."
        ),
        muted=True,
    )
    for i, criterion in enumerate(rubric.criteria, start=1):
        writer.heading(_("{number}. {text}", number=i, text=localized(criterion.text)), level=3)
        hint = localized(criterion.hint)
        if hint:
            writer.paragraph(hint, muted=True)
