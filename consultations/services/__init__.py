"""Every write of the consultations app goes through these services (house style: <entity>_<verb>)."""

from .evaluations import evaluation_finish, evaluation_save, evaluation_share  # noqa: F401
from .knelpunten import knelpunt_close, knelpunt_link_requests, knelpunt_raise, knelpunt_respond  # noqa: F401
from .meetings import meeting_attach, meeting_plan, meeting_record  # noqa: F401
from .positions import position_decide, position_set_due, position_submit, position_withdraw  # noqa: F401
from .regional import (  # noqa: F401
    regional_meeting_cancel,
    regional_meeting_create,
    regional_meeting_invite,
    regional_meeting_record_attendance,
    regional_meeting_register,
    regional_meeting_unregister,
)
from .rounds import (  # noqa: F401
    round_decide_mandate,
    round_open,
    round_request_mandate,
    round_set_intake,
    rounds_open_for_year,
)
