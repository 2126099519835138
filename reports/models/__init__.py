"""Models of service quality, one module per kind of record."""

from .feedback import Feedback, FeedbackEvent
from .ratings import Rating

__all__ = ["Feedback", "FeedbackEvent", "Rating"]
