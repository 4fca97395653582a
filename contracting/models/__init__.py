"""The contracting app's models, one module per part of the domain; import them from here."""

from .addenda import ContractAddendum  # noqa: F401
from .adjustments import ContractAdjustment  # noqa: F401, E402
from .catalogue import (  # noqa: F401
    CapRule,
    Component,
    ComponentMode,
    Module,
    ModuleCategory,
    NzaMaxTariff,
    OIFunction,
    ProgrammeFunding,
    Segment,
    Unit,
)
from .contracts import (  # noqa: F401
    DEFAULT_ADJUSTMENT_CLAUSE,
    MAX_TERM_YEARS,
    MIN_TERM_YEARS,
    TERM_RANGE,
    ContractIndex,
    ContractModule,
    HolderKind,
    Indexation,
    StandardContract,
    covering,
)
from .deadlines import (  # noqa: F401
    Clock,
    ContractYear,
    EffectRun,
    Milestone,
    SweepRun,
)
from .members import PohsArrangement, PohsVariant, ProgrammeParticipation  # noqa: F401
from .negotiation import (  # noqa: F401, E402
    ImmutableError,
    KetenPatientReport,
    Negotiation,
    NegotiationStep,
    StepAttachment,
)
from .offers import (  # noqa: F401
    FollowRequest,
    ModuleChoice,
    Offer,
    Signature,
)
from .own_offers import (  # noqa: F401
    OwnOffer,
    OwnOfferLine,
)
from .qualifications import Qualification  # noqa: F401, E402
from .register import (  # noqa: F401
    RegisterEntry,
    RegisterPublication,
)
from .requests import (  # noqa: F401
    InnovationCriteria,
    InnovationCriterion,
    Request,
    RequestAttachment,
    RequestMessage,
)
