"""What other apps may import from programmes."""

from govhub.programmes.governance import GovernanceModel, current_model

__all__ = ["GovernanceModel", "current_model"]
