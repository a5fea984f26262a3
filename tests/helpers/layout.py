"""What a person would notice on a page at a given width: something wider than the screen, text cut
off, and axe-core's serious or critical accessibility findings (axe.min.js from the
axe-playwright-python package, no CDN)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Runs in the page. An element may reach past the viewport only inside a region that says it
# scrolls: overflow-x auto/scroll, role="region" and a label (the tables' .table-wrap). Elements
# hidden on purpose (display none, visibility hidden, clipped to nothing like .visually-hidden)
# are skipped; of a nest of offenders only the outermost is named.
_PROBLEMS_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) problems.push(`the page is ${page}px wide, wider than the ${width}px screen`);
  const name = (el) => {
    const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const names = typeof el.className === 'string' ? el.className.trim() : '';
    const classes = names ? '.' + names.split(/\\s+/).join('.') : '';
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes}> "${text}"`;
  };
  const scrollsOnPurpose = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && a.getAttribute('role') === 'region'
          && (a.getAttribute('aria-label') || a.getAttribute('aria-labelledby'))) return true;
    }
    return false;
  };
  const hiddenOnPurpose = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
      if (style.clip !== 'auto' && style.clip !== '' || style.clipPath !== 'none') return true;
    }
    return false;
  };
  const wide = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (hiddenOnPurpose(el)) continue;
    const style = getComputedStyle(el);
    if ((box.right > width + 0.5 || box.left < -0.5) && !scrollsOnPurpose(el)) {
      wide.add(el);
      if (!wide.has(el.parentElement)) {
        problems.push(`${name(el)} reaches ${Math.round(box.left)}..${Math.round(box.right)}px of a ${width}px screen`);
      }
    }
    const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 1) {
      problems.push(`${name(el)} cuts its content off: ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  }
  return problems;
}
"""


def layout_problems(page: Page) -> list[str]:
    """Everything wider than the screen (outside a labelled scrolling region) and all clipped text."""
    problems: list[str] = page.evaluate(_PROBLEMS_JS)
    return problems


@cache
def _axe() -> Any:  # axe_playwright_python ships no types
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def axe_findings(page: Page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of those impacts, one line each with the first few elements concerned."""
    response = _axe().run(page).response
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:4])
        for violation in response["violations"]
        if violation["impact"] in impacts
    ]
