"""Every page of every role at a phone's width (390 × 844) and a desktop's (1,280 × 800), on the demo: no
horizontal overflow, no console error, no failed request, and no serious or critical axe-core violation
(axe-core vendored under tests/browser/assets, injected into each page, never fetched)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "assets" / "axe-core" / "axe.min.js"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
# The pages each role reaches within two clicks of its home page (demo ids: challenge 1 is the demo
# enterprise's, 14 and 15 have reviews proposed and open, 17 may be awarded to two bids).
PAGES = {
    "visitor": ["/", "/challenges/", "/challenges/1", "/achievements/", "/achievements/1", "/account/login",
                "/account/register", "/account/password/forgot"],
    "enterprise": ["/", "/challenges/mine", "/challenges/new", "/challenges/1", "/challenges/1/candidates",
                   "/challenges/1/review/new", "/dispatch/requests", "/organisation", "/inbox/", "/conflicts/",
                   "/account/tokens", "/account/password", "/profiles/"],
    "solver": ["/", "/challenges/", "/challenges/14", "/challenges/14/bid", "/bids/mine", "/profiles/me",
               "/reviews/mine", "/achievements/new", "/profiles/1", "/inbox/"],
    "manager": ["/", "/challenges/1", "/challenges/1/candidates", "/challenges/1/candidates?kind=manager",
                "/reviews/mine", "/profiles/me", "/reviews/2"],
    "commissioner": ["/", "/dispatches", "/profiles/me", "/challenges/", "/conflicts/"],
    "government": ["/", "/government/vetting", "/government/challenges", "/government/challenges?status=awarded",
                   "/government/dispatch", "/government/dashboard/",
                   "/government/organisations", "/challenges/15", "/reviews/2", "/challenges/1/subsidy"],
    "admin": ["/", "/admin/", "/admin/accounts", "/admin/audit", "/admin/tokens"],
}


def check(page, path: str) -> list[str]:
    """The problems of one page: overflow, console errors, failed requests, serious/critical axe findings."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(path)
    page.wait_for_load_state("load")
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    if overflow > 0:
        problems.append(f"overflows by {overflow}px")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const tags = ['wcag2a', 'wcag2aa', 'best-practice'];
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    problems += [f"axe {v['impact']} {v['id']}: {json.dumps(v['nodes'], ensure_ascii=False)}" for v in found]
    return problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", PAGES)
def test_every_page_works_at_both_widths(browser, demo_server, role, width, tmp_path_factory):
    """Each role's pages pass the overflow, console, request and accessibility checks."""
    w, h = WIDTHS[width]
    context = browser.new_context(base_url=demo_server, locale="zh-CN", viewport={"width": w, "height": h},
                                  bypass_csp=True)  # to inject axe; the pages keep their CSP otherwise
    page = context.new_page()
    page.set_default_timeout(15_000)
    if role != "visitor":
        sign_in(page, role)
    shots = Path(os.environ.get("BROWSER_SHOTS") or tmp_path_factory.mktemp("workbenches"))
    report = {}
    for path in PAGES[role]:
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        problems = check(tab, path)
        if path == "/":
            tab.screenshot(path=str(shots / f"{role}-{width}.png"), full_page=True)
        if problems:
            report[path] = problems
        tab.close()
    context.close()
    assert not report, json.dumps(report, ensure_ascii=False, indent=1)
