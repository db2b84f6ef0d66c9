"""Browser figures of issue 14, item 7, in headless Chromium on the fictional demo:

- the Largest Contentful Paint of the case page (scenario S1, read by its referent), median and
  p95 of ``--loads`` loads, each in a fresh browser context (empty cache) and, separately, in
  one context whose cache is warm (goal: under 1 s locally);
- the interaction latency of "my cases" (the labour inspector's twelve-person intake, the
  demo's longest list): a click on "Filter" after choosing a status, timed from the click to
  the next paint once HTMX has swapped the results in, and the Event Timing API's duration of
  the click itself (input delay, handlers, next paint; the browser reports it rounded to 8 ms
  and only from 16 ms), over ``--clicks`` clicks;
- every script the two pages load, raw and gzip-compressed (goal: each under 100 kB gzip).

    cd /work/main && .venv/bin/python bench/browser.py [--loads 20 --clicks 20]

Needs Chromium (Debian's ``/usr/bin/chromium``, or ``chromium`` on the PATH). The demo is
loaded into a throw-away SQLite database in a temporary directory (``PARCOURS_MODE=test``:
fixed test keys), served in-process by Django's threaded live server (the e2e tests' server),
static files by WhiteNoise as in production (uncompressed: the gzip sizes are computed here,
level 6 as most servers use). People are signed in as ``tests.personas.sign_in`` does (the
session of a password and a second factor). Every figure is one line:
``<name>  p50 <x> ms  p95 <y> ms`` or ``<script>  <n> kB gzip  (<m> kB raw)``.
"""

import argparse
import contextlib
import gzip
import io
import logging
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
BUDGET_KB = 100  # the goal for each script, gzip-compressed
LCP_GOAL_MS = 1000

LCP_SCRIPT = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
  }).observe({ type: "largest-contentful-paint", buffered: true });
})"""

# Before each click: from the click on "Filter" to the frame painted after HTMX settled the new
# results; and the Event Timing entry of that click (its duration, to the next paint).
ARM_SCRIPT = """() => {
  window.__bench = { events: [] };
  if (!window.__benchObserver) {
    window.__benchObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.name === "click") window.__bench.events.push(e.duration);
      }
    });
    window.__benchObserver.observe({ type: "event", durationThreshold: 16 });
  }
  const button = document.querySelector("main form button[type=submit]");
  button.addEventListener("click", (e) => { window.__bench.clicked = e.timeStamp; },
                          { once: true, capture: true });
  const bench = window.__bench;
  document.body.addEventListener("htmx:beforeRequest", () => {
    if (bench.clicked !== undefined) bench.requested = true;
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    if (!bench.requested || bench.settled) return;
    bench.settled = true;
    requestAnimationFrame(() => setTimeout(() => { bench.painted = performance.now(); }, 0));
  });
}"""


def chromium() -> str:
    """Debian's Chromium, found and launched as the browser tests do (``tests/e2e/conftest``)."""
    from tests.e2e.conftest import NO_CHROMIUM, chromium_path

    found = chromium_path()
    if found is None:
        sys.exit(NO_CHROMIUM)
    return found


def configure(directory: Path) -> None:
    """Settings for a throw-away database and data directory (before ``django.setup``)."""
    os.environ["PARCOURS_MODE"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "parcours.settings"
    os.environ["PARCOURS_DATA_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'browser.sqlite3'}"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM beside Playwright's loop
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def load_demo() -> dict:
    from django.core.management import call_command

    from parcours.cases.models import Case
    from parcours.demo import data

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):  # the demo's e-mails, printed in test mode
        data.load()
    return {"s1": Case.objects.get(intake_token=data._token("S1")).ref}


def session_cookie(username: str, base_url: str) -> dict:
    """The session of ``username`` as after a sign-in with a second factor."""
    from django.conf import settings
    from django.test import Client

    from parcours.accounts.models import User
    from tests.personas import sign_in

    class Persona:
        user = User.objects.get(username=username)

    client = sign_in(Client(), Persona, "totp")
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}


def start_server():
    from django.test.testcases import LiveServerThread

    # The application as deployed: WhiteNoise (in the middleware) serves the static files.
    server = LiveServerThread("localhost", static_handler=lambda handler: handler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, f"http://localhost:{server.port}"


def percentile(values, fraction) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def line(name: str, values: list[float]) -> str:
    p50, p95 = statistics.median(values), percentile(values, 0.95)
    return f"{name:<52} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (n={len(values)})"


def new_context(browser, cookie):
    from tests.e2e.conftest import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    context.add_cookies([cookie])
    return context


def case_page_lcp(browser, cookie, url, loads) -> tuple[list[float], list[float]]:
    context = new_context(browser, cookie)
    context.new_page().goto(url)  # the server's first answer (imports, template loading)
    context.close()
    cold = []
    for _ in range(loads):
        context = new_context(browser, cookie)
        page = context.new_page()
        page.goto(url, wait_until="load")
        cold.append(page.evaluate(LCP_SCRIPT))
        context.close()
    warm = []
    context = new_context(browser, cookie)
    page = context.new_page()
    page.goto(url, wait_until="load")  # fills the cache
    for _ in range(loads):
        page = context.new_page()
        page.goto(url, wait_until="load")
        warm.append(page.evaluate(LCP_SCRIPT))
        page.close()
    context.close()
    return cold, warm


def list_interaction(browser, cookie, url, clicks) -> tuple[list[float], list[float]]:
    context = new_context(browser, cookie)
    page = context.new_page()
    page.goto(url, wait_until="load")
    statuses = page.locator("select[name=status] option").evaluate_all(
        "(options) => options.map((o) => o.value)"
    )
    to_paint, event_durations = [], []
    for n in range(clicks):
        page.locator("select[name=status]").select_option(statuses[n % len(statuses)])
        page.wait_for_load_state("networkidle")  # the swap that the change itself asked for
        page.wait_for_timeout(200)  # and its settling
        page.evaluate(ARM_SCRIPT)
        page.locator("main form button[type=submit]").click()
        page.wait_for_function("() => window.__bench.painted !== undefined", timeout=10_000)
        page.wait_for_timeout(50)  # the Event Timing entry comes after the paint
        bench = page.evaluate("() => window.__bench")
        to_paint.append(bench["painted"] - bench["clicked"])
        event_durations.extend(bench["events"])
    context.close()
    return to_paint, event_durations


def scripts_of(browser, cookie, urls) -> dict[str, bytes]:
    """Every script the pages load (by path), with its body."""
    found: dict[str, bytes] = {}
    context = new_context(browser, cookie)
    page = context.new_page()

    def keep(response):
        if response.request.resource_type == "script" and response.ok:
            found[urlparse(response.url).path] = response.body()

    page.on("response", keep)
    for url in urls:
        page.goto(url, wait_until="networkidle")
    context.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=20, help="loads of the case page")
    parser.add_argument("--clicks", type=int, default=20, help="clicks on the list's filter")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="parcours_bench_browser_"))
    try:
        configure(directory)
        import django

        django.setup()
        logging.disable(logging.INFO)  # one line per request otherwise
        started = time.perf_counter()
        refs = load_demo()
        print(f"demo loaded in {time.perf_counter() - started:.1f} s ({directory})")
        from playwright.sync_api import sync_playwright

        server, base_url = start_server()
        try:
            referent = session_cookie("camille.asso33", base_url)
            inspector = session_cookie("eric.it47", base_url)
            case_url = f"{base_url}/dossiers/{refs['s1']}/"
            list_url = f"{base_url}/dossiers/"
            from tests.e2e.conftest import CHROMIUM_ARGS

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium(), args=CHROMIUM_ARGS, headless=True
                )
                cold, warm = case_page_lcp(browser, referent, case_url, args.loads)
                to_paint, events = list_interaction(browser, inspector, list_url, args.clicks)
                scripts = scripts_of(browser, referent, [case_url, list_url])
                browser.close()
        finally:
            server.terminate()
        print(line("case page LCP, cold cache", cold))
        print(line("case page LCP, warm cache", warm))
        print(line("my cases: filter click -> results painted", to_paint))
        if events:
            print(line("my cases: filter click, Event Timing duration", events))
        else:
            print(f"{'my cases: filter click, Event Timing duration':<52} every click under 16 ms")
        over = []
        for path, body in sorted(scripts.items()):
            compressed = len(gzip.compress(body, compresslevel=6)) / 1000
            print(f"{path:<52} {compressed:6.1f} kB gzip  ({len(body) / 1000:.1f} kB raw)")
            if compressed > BUDGET_KB:
                over.append(path)
        total = sum(len(gzip.compress(b, compresslevel=6)) for b in scripts.values()) / 1000
        raw = sum(len(b) for b in scripts.values()) / 1000
        print(f"{'all scripts of the two pages':<52} {total:6.1f} kB gzip  ({raw:.1f} kB raw)")
        verdicts = [
            f"LCP p50 {'under' if statistics.median(cold) < LCP_GOAL_MS else 'OVER'} 1 s",
            f"scripts over {BUDGET_KB} kB gzip: {', '.join(over) or 'none'}",
        ]
        print("; ".join(verdicts))
        return 0
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
