"""Inline SVG chart geometry shared by the apps' charts (no Django, no JavaScript).

Shapes are given in left-to-right coordinates and mirrored on the way in when the page is
right-to-left; the template draws them as SVG elements styled by class (the content security
policy forbids inline styles). SVG text inherits the page's direction, so a text anchored at
its "start" reads correctly either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    cls: str
    pattern: str = ""  # a pattern's id: the rectangle is filled with it


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    cls: str = ""
    anchor: str = "start"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    cls: str


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    r: float
    cls: str


@dataclass
class Chart:
    """Shapes in left-to-right coordinates, mirrored on the way in when `rtl`."""

    width: float
    height: float
    rtl: bool
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)

    def _x(self, x: float) -> float:
        return round(self.width - x if self.rtl else x, 1)

    def rect(self, x: float, y: float, w: float, h: float, cls: str, pattern: str = "") -> None:
        """Add a rectangle given in left-to-right coordinates (mirrored on RTL pages)."""
        left = self.width - x - w if self.rtl else x
        self.rects.append(Rect(round(left, 1), round(y, 1), round(w, 1), round(h, 1), cls, pattern))

    def text(self, x: float, y: float, text: str, cls: str = "", anchor: str = "start") -> None:
        """Add a text whose anchor point is given in left-to-right coordinates."""
        self.texts.append(Text(self._x(x), round(y, 1), text, cls, anchor))

    def line(self, x1: float, y1: float, x2: float, y2: float, cls: str) -> None:
        """Add a line segment given in left-to-right coordinates."""
        self.lines.append(Line(self._x(x1), round(y1, 1), self._x(x2), round(y2, 1), cls))

    def dot(self, cx: float, cy: float, r: float, cls: str) -> None:
        """Add a circle whose centre is given in left-to-right coordinates."""
        self.dots.append(Dot(self._x(cx), round(cy, 1), r, cls))
