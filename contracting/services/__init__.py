"""Every write of the contracting app goes through these services (house style: <entity>_<verb>)."""

from .addenda import (  # noqa: F401
    addendum_accept,
    addendum_preview,
    addendum_preview_hash,
    addendum_propose,
    addendum_refuse,
    addendum_withdraw,
)
from .adjustments import adjustment_lapse, adjustment_propose  # noqa: F401, E402
from .catalogue import nza_tariff_set, nza_tariffs_set  # noqa: F401, E402
from .clocks import clock_cancel, clock_done, clock_start, clocks_follow_milestone  # noqa: F401
from .contracts import (  # noqa: F401, E402
    contract_year_refusal,
    offer_request,
    offers_create_for_preferent,
    standard_contract_content,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_publish_refusal,
    standard_contract_remove_module,
    standard_contract_set_module,
    standard_contract_update,
)
from .follow import follow_request_decide, follow_requests_create  # noqa: F401, E402
from .indexation import contract_index_set, indexations_apply  # noqa: F401, E402
from .insured import insured_counts_set  # noqa: F401, E402
from .members import member_practice_set, member_programmes_set, pohs_arrangement_set  # noqa: F401, E402
from .milestones import (  # noqa: F401
    check_contract_year,
    contract_year_advance_phase,
    contract_year_ensure,
    contract_year_ensure_next,
    contract_years_required,
    contract_years_roll_over,
    milestone_reschedule,
)
from .negotiation import (  # noqa: F401, E402
    Upload,
    keten_patients_report,
    negotiation_accept,
    negotiation_counter,
    negotiation_offer,
    negotiation_refusal,
    negotiation_submit,
    negotiations_close,
    offer_agreement,
    parse_terms,
)
from .offers import (  # noqa: F401, E402
    check_signing_window,
    offer_choose_modules,
    offer_mark_opened,
    offer_refuse,
    offer_sign,
    offers_expire,
)
from .own_offers import own_offer_decide, own_offer_submit, own_offer_withdraw  # noqa: F401, E402
from .policies import (  # noqa: F401, E402
    policy_attach,
    policy_detach,
    policy_publish,
    policy_publish_refusal,
    policy_save_draft,
)
from .qualifications import (  # noqa: F401, E402
    module_qualification_refusal,
    qualification_decide,
    qualification_decide_refusal,
    qualification_submit,
    qualification_submit_refusal,
    qualification_target_refusal,
    qualified_module_ids,
)
from .register import register_add_offer, register_entries, register_publish  # noqa: F401, E402
from .requests import (  # noqa: F401, E402
    innovation_criteria_publish,
    question_answer,
    question_ask,
    request_addendum_refusal,
    request_appeal,
    request_close,
    request_decide,
    request_decide_appeal,
    request_escalate,
    request_mark_laborious,
    request_post_message,
    request_propose_addendum,
    request_raise,
    request_withdraw,
)
from .sweep import deadlines_sweep, effect_runs_retry, milestones_sweep  # noqa: F401, E402
