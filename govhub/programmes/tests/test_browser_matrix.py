"""The participation matrix on a phone: it fits 390 px in every language, its headers stay
over their columns (also right to left), and it passes the accessibility scan."""

from __future__ import annotations

import os
from typing import Any

import pytest

from govhub.core.tests.browser import assert_no_axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("GOVHUB_SCREENSHOTS", "")  # a directory, to look at the pages

# Each column's header box against its body cells, and each phase against its steps.
MEASURE = """() => {
    const table = document.querySelector('table.matrix');
    const wrap = table.closest('.table-wrap');
    const [phases, steps] = table.tHead.rows;
    const body = table.tBodies[0].rows[0];
    const box = (el) => el.getBoundingClientRect();
    const columns = Array.from(steps.cells).map((th, i) => {
        const cell = box(body.cells[i]);
        return [Math.abs(box(th).left - cell.left), Math.abs(box(th).right - cell.right)];
    });
    const cells = Array.from(body.cells).slice(1);
    let first = 0;
    const groups = Array.from(phases.cells).slice(1).map((th) => {
        const span = cells.slice(first, first + th.colSpan);
        first += th.colSpan;
        const left = Math.min(...span.map((c) => box(c).left));
        const right = Math.max(...span.map((c) => box(c).right));
        return [Math.abs(box(th).left - left), Math.abs(box(th).right - right)];
    });
    return {
        table: table.scrollWidth,
        wrap: wrap.scrollWidth,
        page: document.scrollingElement.scrollWidth,
        misaligned: [...columns, ...groups].flat().filter((d) => d > 1).length,
    };
}"""


@pytest.mark.parametrize("language", ["en", "ru", "fa-af"])
def test_the_participation_matrix_fits_a_phone_in_every_language(page: Any, language: str):
    # given
    page.set_viewport_size(PHONE)
    # when
    page.goto(f"/language/?lang={language}&next=/programmes/governance-model/")
    assert page.locator("html").get_attribute("lang") == language
    sizes = page.evaluate(MEASURE)
    # then: no sideways scrolling, every header over its own column(s)
    assert max(sizes["table"], sizes["wrap"], sizes["page"]) <= 390, sizes
    assert sizes["misaligned"] == 0, sizes
    assert_no_axe_violations(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/matrix-{language}.png", full_page=True)
