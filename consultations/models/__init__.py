"""Overleg between the LHV overlegteams and their insurer (GCP: overleg, not negotiation)."""

from .evaluations import Evaluation  # noqa: F401
from .regional import RegionalMeeting, RegionalMeetingInvitation  # noqa: F401
from .rounds import ConsultationRound, Knelpunt, Meeting, MeetingAttachment, Position  # noqa: F401
