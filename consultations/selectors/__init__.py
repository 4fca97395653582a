"""Reads of the consultations app."""

from .oth import OverlegTeamFigures, overleg_team_figures  # noqa: F401
from .regional import (  # noqa: F401
    RegionalAnswers,
    meetings_with_counts,
    regional_meeting_answers,
    regional_meetings_held,
)
