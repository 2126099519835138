"""Models of service quality, one module per kind of record."""

from .feedback import Feedback, FeedbackEvent
from .ratings import Rating
from .statistics import DailyStatistic, DossierStatistic, MonthlyStatistic

__all__ = [
    "DailyStatistic",
    "DossierStatistic",
    "Feedback",
    "FeedbackEvent",
    "MonthlyStatistic",
    "Rating",
]
