"""The site's URLs plus one page that shows a form and, once valid, its summary (tests only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.urls import include, path

from govhub.core.forms import AnswersForm, answers_summary, parse
from govhub.core.forms.tests.samples import SAMPLE
from govhub.core.permissions import public

PAGE = Template(
    '{% extends "base.html" %}{% block title %}Sample{% endblock %}'
    "{% block content %}<h1>{{ title }}</h1>{{ body }}{% endblock %}"
)


@public
def sample_form(request: HttpRequest) -> HttpResponse:
    definition = parse(SAMPLE)
    form = AnswersForm(definition, request.POST if request.method == "POST" else None)
    if form.is_valid():
        body = answers_summary(definition, form.answers)
    else:
        body = form.render(request, submit="Save")
    context: dict[str, Any] = {"title": "Sample", "body": body, "request": request}
    from django.template.context_processors import csrf

    context.update(csrf(request))
    return HttpResponse(PAGE.render(Context(context)))


urlpatterns = [path("sample-form/", sample_form), path("", include("config.urls"))]
