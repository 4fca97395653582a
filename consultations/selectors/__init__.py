"""Reads of the consultations app."""

from .regional import (  # noqa: F401
    RegionalAnswers,
    meetings_with_counts,
    regional_meeting_answers,
    regional_meetings_held,
)
