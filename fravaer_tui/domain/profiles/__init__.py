"""Rule profiles: the municipality's thresholds and follow-up steps, as TOML data.

`strand` (default) and `hole` ship with the package; a school may point to its own file.
Parsing is pure; `load_profile` is the one place that reads a profile file.

The package: `values` (the profile as values, and the ids and limits its values come from),
`checks` (where a problem is, and the checks tables share), `rule_tables`, `step_tables`
and `review_tables` (the `[regler.…]`, `[[trinn]]` and `[[gjennomgang]]` tables),
`document` (`parse_profile`) and `load` (`load_profile`). Import from here; the underscore
names are the package's own, shared between its modules.
"""

from fravaer_tui.domain.profiles.document import parse_profile
from fravaer_tui.domain.profiles.load import load_profile
from fravaer_tui.domain.profiles.values import (
    BUILTIN,
    FORM_IDS,
    FORM_NUMBERS,
    MAX_DEADLINE_DAYS,
    MAX_THRESHOLD,
    MAX_WINDOW_MONTHS,
    NAAR,
    REVIEW_FIGURES,
    REVIEW_FREQUENCIES,
    REVIEW_SCOPES,
    REVIEW_WHO,
    ROLES,
    RULE_IDS,
    Outcome,
    Profile,
    ProfileError,
    ReviewDef,
    RuleDef,
    StepDef,
    TaskDef,
)

__all__ = [
    "BUILTIN",
    "FORM_IDS",
    "FORM_NUMBERS",
    "MAX_DEADLINE_DAYS",
    "MAX_THRESHOLD",
    "MAX_WINDOW_MONTHS",
    "NAAR",
    "REVIEW_FIGURES",
    "REVIEW_FREQUENCIES",
    "REVIEW_SCOPES",
    "REVIEW_WHO",
    "ROLES",
    "RULE_IDS",
    "Outcome",
    "Profile",
    "ProfileError",
    "ReviewDef",
    "RuleDef",
    "StepDef",
    "TaskDef",
    "load_profile",
    "parse_profile",
]
