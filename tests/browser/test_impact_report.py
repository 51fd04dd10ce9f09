"""The impact report's charts in Chromium at 390 and 1280 px (every page checked by axe-core and
for sideways scrolling, steps.py): their text is readable on a phone and not oversized on a
wide screen, and no label or number runs out of its drawing. The SVG scales with the page, so
its text shows at the drawing's font size times its scale, which only a browser can measure."""

from __future__ import annotations

from tests.reports.impact_world import seed

# Each chart's rendered text size in px, and the words that run past the drawing's edges.
CHART_TEXT = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const size = parseFloat(svg.getAttribute('font-size')) * box.width / svg.viewBox.baseVal.width;
  const outside = [...svg.querySelectorAll('text')].filter(text => {
    const own = text.getBoundingClientRect();
    return own.left < box.left - 1 || own.right > box.right + 1 || own.bottom > box.bottom + 1;
  }).map(text => text.textContent);
  return [svg.getAttribute('aria-labelledby').split(' ')[0], size, outside];
})"""


def test_the_charts_text_is_readable_on_a_phone_and_not_oversized_on_a_wide_screen(journey):
    seed()
    page = journey.page
    phone = page.viewport_size["width"] < 600
    journey.goto("/2025/impact")
    public = page.evaluate(CHART_TEXT)
    journey.sign_in("org@example.org")
    journey.goto("/manage/2025/impact")
    organisers = page.evaluate(CHART_TEXT)
    # the organisers' version adds the access chart: several series, a key, long labels
    assert "chart-access-title" in [chart_id for chart_id, _, _ in organisers]
    for chart_id, size, outside in public + organisers:
        assert (12 <= size <= 15) if phone else (15 <= size <= 18.5), (chart_id, size)
        assert outside == [], chart_id
    journey.shot("impact-charts")
