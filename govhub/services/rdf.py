"""A tiny RDF writer: triples to Turtle and to JSON-LD, with no dependency.

Only what the CPSV-AP output needs: IRIs, plain, language-tagged and typed literals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class IRI:
    value: str


@dataclass(frozen=True)
class Literal:
    value: str
    language: str = ""
    datatype: str = ""


Term = IRI | Literal
Triple = tuple[IRI, IRI, Term]


class Graph:
    """Triples in the order they were added, each once."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes
        self.triples: dict[Triple, None] = {}

    def add(self, subject: str, predicate: str, obj: Term | str) -> None:
        term = IRI(obj) if isinstance(obj, str) else obj
        self.triples[(IRI(self._expand(subject)), IRI(self._expand(predicate)), term)] = None

    def add_type(self, subject: str, *classes: str) -> None:
        for cls in classes:
            self.add(subject, RDF_TYPE, IRI(self._expand(cls)))

    def _expand(self, name: str) -> str:
        prefix, _sep, rest = name.partition(":")
        if prefix in self.prefixes and not rest.startswith("//"):
            return self.prefixes[prefix] + rest
        return name

    def subjects(self) -> dict[str, list[tuple[str, Term]]]:
        out: dict[str, list[tuple[str, Term]]] = {}
        for s, p, o in self.triples:
            out.setdefault(s.value, []).append((p.value, o))
        return out

    def turtle(self) -> str:
        """The graph as Turtle: full IRIs in angle brackets, strings escaped."""
        lines = [f"@prefix {p}: <{iri}> ." for p, iri in self.prefixes.items()]
        for subject, pairs in self.subjects().items():
            body = " ;\n    ".join(f"{_iri(p)} {_turtle_term(o)}" for p, o in pairs)
            lines.append(f"\n{_iri(subject)}\n    {body} .")
        return "\n".join(lines) + "\n"

    def jsonld(self) -> str:
        """The graph as expanded-IRI JSON-LD (`@graph` of node objects)."""
        nodes = []
        for subject, pairs in self.subjects().items():
            node: dict[str, Any] = {"@id": subject}
            for predicate, obj in pairs:
                if predicate == RDF_TYPE and isinstance(obj, IRI):
                    node.setdefault("@type", []).append(obj.value)
                else:
                    node.setdefault(predicate, []).append(_json_term(obj))
            nodes.append(node)
        return json.dumps({"@graph": nodes}, ensure_ascii=False, indent=1)


def _iri(value: str) -> str:
    for ch in '<>"{}|^`\\ \n':
        value = value.replace(ch, f"%{ord(ch):02X}")
    return f"<{value}>"


def _escape(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    return out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _turtle_term(term: Term) -> str:
    if isinstance(term, IRI):
        return _iri(term.value)
    text = f'"{_escape(term.value)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype:
        return f"{text}^^{_iri(term.datatype)}"
    return text


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, IRI):
        return {"@id": term.value}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype:
        return {"@value": term.value, "@type": term.datatype}
    return {"@value": term.value}


def texts(main: str, translations: dict[str, str], main_language: str) -> Iterable[Literal]:
    """A text in its main language and each translation, language-tagged (BCP 47 case)."""
    yield Literal(main, _tag(main_language))
    for lang, text in sorted((translations or {}).items()):
        if text:
            yield Literal(text, _tag(lang))


def _tag(language: str) -> str:
    lang, _sep, region = language.partition("-")
    return f"{lang}-{region.upper()}" if region else lang
