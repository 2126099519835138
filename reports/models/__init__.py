"""Models of service quality, one module per kind of record."""

from .feedback import Feedback
from .ratings import Rating

__all__ = ["Feedback", "Rating"]
