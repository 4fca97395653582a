"""Reads of the contracting app (house style: selectors return querysets or plain data; they never write)."""

from .addenda import (  # noqa: F401
    accepted_addenda,
    addendum_display,
    addendum_sign_deadline,
    apply_addenda,
    contract_term,
    contract_terms,
    offer_addenda,
    terms_year,
)
from .agenda import (  # noqa: F401
    AgendaItem,
    Organisations,
    clock_item,
    clock_rows,
    register_deadline_source,
    user_deadlines,
)
from .calendar import (  # noqa: F401
    ALL_AUDIENCES,
    PRACTICE_ROLES,
    ROLE_AUDIENCE,
    NextStep,
    OffersExpected,
    SigningWindow,
    Timeline,
    TimelineEntry,
    Window,
    contract_year_current,
    contract_year_timeline,
    cycle_first_steps,
    home_next_steps,
    milestone_deadline,
    next_cycle_timeline,
    offers_deadline_kind,
    offers_expected,
    signing_window,
    signing_window_at,
    signing_windows_at,
    signing_year_default,
    year_deadlines,
)
from .caregroup_figures import (  # noqa: F401, E402
    caregroup_contract_counts,
    caregroup_contract_lines,
    caregroup_line_tariffs,
    holder_kind_of,
    signed_contracts,
    signing_lead_times,
)
from .caregroups import (  # noqa: F401, E402
    DiffRow,
    DiffSection,
    LateCareGroupOffer,
    caregroup_catalogue,
    caregroup_offer_counts,
    caregroup_offers_late,
    negotiation_thread,
    negotiations_with_last_step,
    step_diff,
)
from .clocks import (  # noqa: F401
    CLOCK_OUTCOMES,
    clock_deadline,
    clock_of,
    clock_outcomes,
    clocks_due_before,
    clocks_open,
    clocks_overdue,
    insurer_clock_outcomes,
    with_clock,
)
from .dashboards import (  # noqa: F401
    InboxItem,
    MergedQueue,
    SigningWatch,
    contracts_covering,
    inbox_counts,
    insurer_inbox,
    signing_reminders_sent,
    signing_watch,
    unsigned_offers,
)
from .engine_state import milestones_behind  # noqa: F401, E402
from .figures import (  # noqa: F401
    capped_choices_in_force,
    contract_counts,
    contract_terms_in_force,
    contracted_providers,
    contracts_in_force,
    followed_counts,
    insured_with_module,
    module_choices_in_force,
    other_insurer_attempts,
    provider_counts,
    providers_with_contract,
)
from .gcp import InsurerGcpFacts, gcp_insurer_facts, gcp_insurers  # noqa: F401
from .indexation import indexation_in_year, prestatie_tariffs_in_force  # noqa: F401
from .members import (  # noqa: F401
    MemberRow,
    PracticeCareGroup,
    care_group_members,
    care_group_practices,
    holder_pohs,
    pohs_data,
    practice_care_groups,
    programme_modules,
)
from .offer_page import (  # noqa: F401
    ChoiceState,
    display_content,
    holder_offers,
    offer_contract_modules,
    offer_follow_requests,
    offer_policy_context,
    offer_questions,
    offers_default_year,
    offers_for_year,
    runs_on,
    saved_choice_state,
    visible_follow_requests,
    with_deadlines,
)
from .offers import (  # noqa: F401
    contract_changes_since_last_year,
    contract_preview_modules,
    holder_insured,
    holder_signatories,
    latest_policy_version,
    offer_policy_version,
    policy_version_ref,
    segment_label,
    unit_label,
    with_insured,
)
from .qualifications import (  # noqa: F401, E402
    offer_qualifications,
    qualification_queue,
    questionnaire_url,
    register_questionnaire_finder,
)
from .request_figures import (  # noqa: F401, E402
    REQUEST_STATES,
    contracts_with_maatwerk,
    follow_outcomes,
    request_outcomes,
    requests_of_year,
)
from .tasks import Task, TaskReader, home_tasks, register_task_source  # noqa: F401
