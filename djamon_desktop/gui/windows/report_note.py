"""The E-mail tab's word on the monthly report: mailing it needs e-mail alerts on, and an
import may well turn the report on before e-mail (settings come in any order), so while the
report is on and e-mail is off, a line under its rows says that nothing is mailed until e-mail
is on. It follows the two check boxes as they are ticked, before any save."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFormLayout

from .. import plain

#: the monthly report's last row: the note goes under it
AFTER = "monthly_report.to"
#: what the note says while the report is on and e-mail is off
E_MAIL_OFF = (
    "E-mail alerts are off, so no report is mailed: tick “Send e-mail alerts” above. Last "
    "month's report then goes with the next round."
)


class ReportNote(QObject):
    """The note; ``fields`` are the window's setting fields by key (``email.enabled`` and
    ``monthly_report.enabled`` are watched)."""

    def __init__(self, fields: Mapping[str, object], parent: QObject) -> None:
        super().__init__(parent)
        self._fields = fields
        self.label = plain.label()
        self.label.setWordWrap(True)
        self.label.hide()

    def add_rows_after(self, key: str, form: QFormLayout) -> None:
        if key != AFTER:
            return
        form.addRow("", self.label)
        for name in ("email.enabled", "monthly_report.enabled"):
            self._fields[name].widget.toggled.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        on = self._fields["monthly_report.enabled"].widget.isChecked()
        mailing = self._fields["email.enabled"].widget.isChecked()
        self.label.setText(E_MAIL_OFF if on and not mailing else "")
        self.label.setVisible(on and not mailing)
