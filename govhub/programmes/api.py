"""What other apps may import from programmes."""

from govhub.programmes.actions import contribution_add
from govhub.programmes.bench import (
    bench_programmes_create,
    bench_programmes_load,
    programme_tables_analyze,
)
from govhub.programmes.demo import demo_history_spread, demo_programmes_discard
from govhub.programmes.governance import GovernanceModel, current_model
from govhub.programmes.queries import programme_titles
from govhub.programmes.transitions import (
    programme_advance,
    programme_create,
    programme_issue,
    programme_return,
)

__all__ = [
    "GovernanceModel",
    "bench_programmes_create",
    "bench_programmes_load",
    "contribution_add",
    "current_model",
    "demo_history_spread",
    "demo_programmes_discard",
    "programme_advance",
    "programme_create",
    "programme_issue",
    "programme_return",
    "programme_tables_analyze",
    "programme_titles",
]
