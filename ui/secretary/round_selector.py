"""The round selector of the board and the consolidation page: every opened round, the
current one marked and shown by default. A choice of an earlier round is kept across
refreshes until a new round opens, which is then shown."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QWidget

from app.i18n import _


class RoundSelector(QComboBox):
    """A combo box of round numbers (item data); ``currentIndexChanged`` means "chosen"."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.current_round: int | None = None
        """The round the meeting is in (``None`` before the kit is issued)."""

    def shown_round(self) -> int | None:
        data = self.currentData()
        return data if isinstance(data, int) else None

    def showing_current(self) -> bool:
        shown = self.shown_round()
        return shown is not None and shown == self.current_round

    def fill(self, current: int | None, numbers: Sequence[int]) -> None:
        """Offer ``numbers``; keep the choice unless the current round changed. Emits
        nothing: the caller shows what :meth:`shown_round` says."""
        chosen = self.shown_round() if current == self.current_round else current
        self.current_round = current
        self.blockSignals(True)
        self.clear()
        for number in numbers:
            self.addItem(self._text(number), number)
        index = self.findData(chosen)
        self.setCurrentIndex(index if index >= 0 else self.count() - 1)
        self.blockSignals(False)

    def retranslate(self) -> None:
        for i in range(self.count()):
            self.setItemText(i, self._text(self.itemData(i)))

    def _text(self, number: int) -> str:
        if number == self.current_round:
            return _("Round {round} (current)", round=number)
        return _("Round {round}", round=number)
