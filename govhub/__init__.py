"""GovHub: an open-source e-governance platform."""
