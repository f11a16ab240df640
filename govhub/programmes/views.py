"""Public pages of programmes: the governance model drawn as the seed's matrix."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from govhub.core.api import anonymous_page_cache, public
from govhub.programmes.governance import current_model


@public
@require_GET
@anonymous_page_cache(seconds=3600)
def governance_model(request: HttpRequest) -> HttpResponse:
    """Kinds by steps, grouped by phase, with a dot where a kind takes part."""
    model = current_model()
    rows = [
        {
            "name": gettext(kind.name),
            "sector": kind.sector,
            "cells": [model.may_take_part(kind.key, s.number) for s in model.steps],
        }
        for kind in model.kinds
    ]
    return render(
        request,
        "programmes/governance_model.html",
        {
            "phases": [
                {"number": p.number, "name": gettext(p.name), "span": len(p.steps)}
                for p in model.phases
            ],
            "steps": [{"number": s.number, "name": gettext(s.name)} for s in model.steps],
            "rows": rows,
        },
    )
