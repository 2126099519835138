"""The owner's rating of how a dossier was handled (TT 01/2018/TT-VPCP Điều 13)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from dossiers.models import Dossier
from procedures.models import Procedure

from ..constants import RatingScore


class Rating(models.Model):
    """One per dossier. Agency and procedure are copied from the dossier so the statistics
    and the officials' list read ratings without joining the dossier table."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="rating", verbose_name=_("hồ sơ")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="+", verbose_name=_("thủ tục")
    )
    score = models.PositiveSmallIntegerField(_("mức hài lòng"), choices=RatingScore.choices)
    # {criterion code: points 0, 1 or 2}; the codes are the published list of criteria.
    criteria = models.JSONField(_("tiêu chí"), default=dict, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đánh giá"),
    )
    created_at = models.DateTimeField(_("thời điểm đánh giá"), default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["agency", "created_at"], name="rating_agency_time")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"

    @property
    def criteria_total(self) -> int:
        """Return the points given over the criteria answered (2 per criterion at most)."""
        return sum(int(v) for v in (self.criteria or {}).values())

    @property
    def criteria_max(self) -> int:
        return 2 * len(self.criteria or {})
