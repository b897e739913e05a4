from unittest import SkipTest


def run_tour(case, tour_name, login, url="/odoo"):
    """Run a browser tour, failing (never skipping) when it can't run.

    Odoo skips a browser test it can't start: no Chromium, no websocket-client, or Chromium
    slower than Odoo's 10 s to open its DevTools port, which happens on a busy 2-core
    machine. The last is transient, so it gets a second try; anything else fails the test.
    """
    for attempt in (1, 2):
        try:
            return case.start_tour(url, tour_name, login=login)
        except SkipTest as reason:
            if attempt == 2 or "devtools port" not in str(reason):
                case.fail(f"The browser tour could not run: {reason}")
    return None
