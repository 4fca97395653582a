"""Reads of the consultations app."""

from .oth import OverlegTeamFigures, overleg_team_figures  # noqa: F401
from .overleg import (  # noqa: F401
    Lateness,
    RoundPhase,
    TimelineEntry,
    evaluation_lateness,
    evaluations_late,
    evaluations_list,
    evaluations_of_year,
    insurer_overleg_clock_outcomes,
    knelpunten_with_clock,
    position_deadline,
    position_overdue,
    positions_with_clock,
    round_current_phase,
    round_phases,
    rounds_list,
    team_timeline,
)
from .regional import (  # noqa: F401
    RegionalAnswers,
    RegionalMeetingFigures,
    meetings_with_counts,
    regional_meeting_answers,
    regional_meeting_figures,
    regional_meetings_held,
)
