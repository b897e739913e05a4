# ruff: noqa: F821 (``env`` is the one odoo-bin shell gives the script)
"""Run by ``odoo-bin shell`` on a database where atlas_invoicing is installed without the other
Atlas addons (scripts/test.sh, wheel install test): every Atlas report computes its figures and
its XLSX there, so the core reads no table or field that only another addon adds."""

import sys

# The reports: the models built on atlas.report that name their report.
report_models = sorted(name for name, model in env.registry.items() if getattr(model, "_report_key", None))
failures = []
for name in report_models:
    try:
        with env.cr.savepoint():
            data = env[name].get_report_data({})
            env[name].get_report_xlsx({})
            bad = [check["label"] for check in data.get("checks", []) if not check["ok"]]
            if bad:
                failures.append(f"{name}: checks not met: {bad}")
            print(f"{name}: {len(data['lines'])} lines, XLSX written")
    except Exception as error:  # noqa: BLE001 — every report is tried, each failure reported
        failures.append(f"{name}: {type(error).__name__}: {error}")
if not report_models:
    failures.append("no Atlas report found")
if failures:
    print("REPORTS FAILED\n" + "\n".join(failures))
    sys.stdout.flush()
else:
    print(f"REPORTS OK: {len(report_models)}")
