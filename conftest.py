"""pytest hooks of the repository's test runs (scripts/test.sh).

The door enumeration test (atlas_invoicing/tests/test_door_enumeration.py) counts the doors it
checked per model and role; they are printed in the run's summary, where its output shows them
whatever the log level.
"""

import sys

DOOR_TEST_MODULE = "odoo.addons.atlas_invoicing.tests.test_door_enumeration"


def pytest_terminal_summary(terminalreporter):
    module = sys.modules.get(DOOR_TEST_MODULE)
    checked = getattr(module, "DOORS_CHECKED", None)
    if not checked:
        return
    terminalreporter.write_sep("-", "doors checked per model and role (test_door_enumeration)")
    for line in module.doors_checked_lines():
        terminalreporter.write_line(line)
