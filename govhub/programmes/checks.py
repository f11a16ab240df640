"""Start-up check: the programmes' workflow is usable as a governance model (one final
state, steps with phases and participants of kinds GovHub knows, an advance from each step
to the next and a close from the last). Core's check covers the names it uses."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register("govhub")
def check_governance_model(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from govhub.core.api import DomainError
    from govhub.programmes.governance import GovernanceModelError, current_model, model_key

    try:
        current_model()
    except GovernanceModelError as exc:
        return [Error(str(exc), id="programmes.E001")]
    except DomainError:
        return [
            Error(
                f"no workflow definition {model_key()!r} is in force for programmes",
                hint="GOVHUB_PROGRAMME_WORKFLOW names a key no definition file has.",
                id="programmes.E002",
            )
        ]
    except (ValueError, KeyError) as exc:  # a broken file: core's check names them
        return [Error(f"the programmes' workflow cannot be read: {exc}", id="programmes.E003")]
    return []
