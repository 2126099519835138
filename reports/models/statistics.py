"""The statistics table the indicators read (Quyết định 766/QĐ-TTg), and what keeps it current.

`DailyStatistic` holds one row per agency × procedure × day with the counters of
`reports/indicators.py`, `MonthlyStatistic` the same summed by month, so a year of a province
is read from a few thousand rows, fast at a million dossiers. Agency and procedure are plain
numbers, not foreign keys: the rows outlive the retention of dossiers and catalogue changes.

`DossierStatistic` is what one dossier adds to those rows (its days and its flags), kept so that
the listener of the dossier log can take the old contribution out and put the new one in —
inside the action's transaction, with increments, so two actions on different dossiers never
overwrite each other's counts (reports/statistics.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatistic(models.Model):
    """What one dossier counts for; recomputed from the dossier at each of its events."""

    dossier_id = models.UUIDField(primary_key=True)
    agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    online = models.BooleanField(default=False)
    received_day = models.DateField(null=True)
    completed_day = models.DateField(null=True)
    finished = models.BooleanField(default=False)
    on_time = models.BooleanField(default=False)
    apology = models.BooleanField(default=False)
    withdrawn = models.BooleanField(default=False)
    digitised = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    vneid = models.BooleanField(default=False)
    fee_bearing = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("số liệu của hồ sơ")
        verbose_name_plural = _("số liệu của hồ sơ")
        indexes = [
            models.Index(fields=["received_day"], name="dossier_stat_received"),
            models.Index(fields=["completed_day"], name="dossier_stat_completed"),
        ]

    def __str__(self) -> str:
        return str(self.dossier_id)


class Counters(models.Model):
    """The counters of reports/indicators.py, shared by the day and the month rows."""

    agency_id = models.BigIntegerField(_("cơ quan"))
    procedure_id = models.BigIntegerField(_("thủ tục"))
    # Kept by the dossier log's listener (counted on the day of reception) ...
    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    vneid = models.IntegerField(default=0)
    fee_bearing = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    # ... and on the day the result was issued.
    finished = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    finished_late_apology = models.IntegerField(default=0)
    # Kept by the task `reports.tasks.statistics_refresh` (not dossier events): results rendered
    # after the commit, hub sync, ratings, feedback.
    finished_e_result = models.IntegerField(default=0)
    synced = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_satisfied = models.IntegerField(default=0)
    rated_dissatisfied = models.IntegerField(default=0)
    feedback_received = models.IntegerField(default=0)
    feedback_complaints = models.IntegerField(default=0)
    feedback_due = models.IntegerField(default=0)
    feedback_on_time = models.IntegerField(default=0)
    feedback_answered = models.IntegerField(default=0)
    feedback_published = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyStatistic(Counters):
    """Counters of one agency, one procedure (0: none, e.g. feedback about an agency), one day."""

    day = models.DateField(_("ngày"))

    class Meta:
        verbose_name = _("thống kê theo ngày")
        verbose_name_plural = _("thống kê theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id", "procedure_id", "day"], name="daily_statistic_key"
            )
        ]
        indexes = [models.Index(fields=["day", "agency_id"], name="daily_statistic_day")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.procedure_id}/{self.day}"


class MonthlyStatistic(Counters):
    """The day rows summed by month (`month` is its first day): a year is twelve rows per agency
    and procedure, whatever the number of days with activity; a period's whole months are read
    here and only its first and last partial months from the day rows."""

    month = models.DateField(_("tháng"))

    class Meta:
        verbose_name = _("thống kê theo tháng")
        verbose_name_plural = _("thống kê theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id", "procedure_id", "month"], name="monthly_statistic_key"
            )
        ]
        indexes = [models.Index(fields=["month", "agency_id"], name="monthly_statistic_month")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.procedure_id}/{self.month:%Y-%m}"
