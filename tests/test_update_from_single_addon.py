"""A database made by the single atlas_invoicing addon (bank statements included, as it was
before atlas_invoicing_bank was split out) updates to this checkout with ``-u atlas_invoicing``.

The old addon is taken from this repository's history (the last commit before the split), the
database made with it and its demo data, then used as a bookkeeper would (a statement imported
and matched, the journal's and the company's bank settings changed), then updated with this
checkout on the addons path. atlas_invoicing_bank must be installed by that same update, with
the bank records handed over (no menu, view or field deleted and made again, no column
dropped), the bank lines' matches and the settings kept, the demo statements not made twice,
and the two addons' XML ids exactly those of a fresh install of this checkout.
"""

import configparser
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from conftest import ODOO_PATH, _env, _psql, drop_database

REPO = Path(__file__).resolve().parents[1]
# The last commit where atlas_invoicing held the bank statement features.
SINGLE_ADDON_COMMIT = "318e2e864bac4f6c7032529f7e1479eccba83fcb"
BANK_MODULES = ("atlas_invoicing", "atlas_invoicing_bank")


def _addons_path(*extra):
    config = configparser.ConfigParser()
    config.read(_env("ATLAS_ODOO_CONFIG"))
    paths = [p for p in config["options"]["addons_path"].split(",") if Path(p).resolve() != REPO]
    return ",".join([*paths, *map(str, extra)])


def _odoo(db, addons_path, log_file, *args, stdin=None):
    cmd = [
        sys.executable,
        str(ODOO_PATH / "odoo-bin"),
        *args,
        "-c",
        _env("ATLAS_ODOO_CONFIG"),
        "-d",
        db,
        f"--addons-path={addons_path}",
        "--log-level=info",
        f"--logfile={log_file}",
    ]
    if args and args[0] == "shell":
        cmd += ["--no-http"]
    else:
        cmd += ["--stop-after-init"]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=900, check=False)


def _shell(db, addons_path, log_file, code):
    """Run Python in odoo-bin shell (env bound); return what it printed."""
    result = _odoo(db, addons_path, log_file, "shell", stdin=code + "\nenv.cr.commit()\n")
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _query(db, sql):
    out = subprocess.run(["psql", "-tA", "-F", "|", "-d", db, "-c", sql], capture_output=True, text=True, check=True)
    return [tuple(line.split("|")) for line in out.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def single_addon(tmp_path_factory):
    """The atlas_invoicing folder of the last commit before the split, from git history."""
    target = tmp_path_factory.mktemp("single_addon")
    archive = target / "old.tar"
    result = subprocess.run(
        ["git", "-C", str(REPO), "archive", "-o", str(archive), SINGLE_ADDON_COMMIT, "atlas_invoicing"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        result.returncode == 0
    ), f"this test needs the repository's history (commit {SINGLE_ADDON_COMMIT[:7]}): {result.stderr}"
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


@pytest.fixture(scope="module")
def old_database(single_addon):
    db = f"atlas_e2e_single_{uuid.uuid4().hex[:8]}"
    log_dir = Path(_env("ATLAS_LOG_DIR"))
    old_path = _addons_path(single_addon)
    drop_database(db)
    result = _odoo(db, old_path, log_dir / "update-single-install.log", "-i", "atlas_invoicing")
    assert result.returncode == 0, f"installing the single addon failed: see {log_dir / 'update-single-install.log'}"
    # A copy as made, for the administrator who updates with only atlas_invoicing's wheel.
    _psql(f'CREATE DATABASE "{db}_core" TEMPLATE "{db}"')
    yield db, old_path
    drop_database(db)
    drop_database(f"{db}_core")


BOOKKEEPING = """
journal = env["account.journal"].search([("name", "=", "Business Checking")], limit=1)
journal.atlas_auto_confirm = True
env.company.atlas_statement_file_limit_mb = 7
csv = env["ir.attachment"].search([("res_id", "=", journal.id), ("name", "=", "demo-statement.csv")])
result = env["account.bank.statement"].atlas_import_statement(journal.id, csv.datas.decode(), csv.name)
print("IMPORTED", result["line_count"], result["matched"])
"""


def test_update_installs_the_bank_addon_and_keeps_the_books(old_database):
    db, old_path = old_database
    log_dir = Path(_env("ATLAS_LOG_DIR"))
    printed = _shell(db, old_path, log_dir / "update-single-use.log", BOOKKEEPING)
    imported = next(line for line in printed.splitlines() if line.startswith("IMPORTED")).split()
    assert int(imported[1]) == 5 and int(imported[2]) >= 4, printed
    lines_before = _query(
        db,
        "SELECT id, atlas_match_kind, atlas_match_invoice_id, is_reconciled FROM account_bank_statement_line "
        "WHERE atlas_match_kind IS NOT NULL ORDER BY id",
    )
    assert lines_before
    menus_before = _query(db, "SELECT id FROM ir_ui_menu WHERE name->>'en_US' = 'Banking'")

    update_log = log_dir / "update-single-to-split.log"
    result = _odoo(db, _addons_path(REPO), update_log, "-u", "atlas_invoicing")
    assert result.returncode == 0, f"the update failed: see {update_log}"
    log = update_log.read_text()
    assert " ERROR " not in log and " CRITICAL " not in log, f"the update logged errors: see {update_log}"

    assert _query(db, f"SELECT name, state FROM ir_module_module WHERE name IN {BANK_MODULES} ORDER BY name") == [
        ("atlas_invoicing", "installed"),
        ("atlas_invoicing_bank", "installed"),
    ]
    # The bank lines' matches and the bank settings are kept: their columns were not dropped.
    assert (
        _query(
            db,
            "SELECT id, atlas_match_kind, atlas_match_invoice_id, is_reconciled FROM account_bank_statement_line "
            "WHERE atlas_match_kind IS NOT NULL ORDER BY id",
        )
        == lines_before
    )
    assert _query(db, "SELECT atlas_auto_confirm FROM account_journal WHERE name->>'en_US' = 'Business Checking'") == [
        ("t",)
    ]
    assert _query(db, "SELECT DISTINCT atlas_statement_file_limit_mb FROM res_company WHERE id = 1") == [("7",)]
    # The same Banking menu (handed over, not deleted and made again), and the demo statements once.
    assert _query(db, "SELECT id FROM ir_ui_menu WHERE name->>'en_US' = 'Banking'") == menus_before
    assert _query(
        db,
        "SELECT res_id, count(*) FROM ir_ui_menu m JOIN ir_model_data d ON d.res_id = m.id "
        "AND d.model = 'ir.ui.menu' WHERE m.id = " + menus_before[0][0] + " GROUP BY res_id",
    ) == [(menus_before[0][0], "1")]
    assert _query(
        db, "SELECT count(*) FROM ir_attachment WHERE res_model = 'account.journal' AND name LIKE 'demo-statement%'"
    ) == [("3",)]

    # The two addons' XML ids are exactly those of a fresh install of this checkout.
    xmlids = f"SELECT module, name, model FROM ir_model_data WHERE module IN {BANK_MODULES} ORDER BY 1, 2"
    updated, fresh = set(_query(db, xmlids)), set(_query(_env("ATLAS_TEMPLATE_DB"), xmlids))
    assert not fresh - updated, f"missing after the update: {sorted(fresh - updated)}"
    assert not updated - fresh, f"left over after the update: {sorted(updated - fresh)}"

    # And a bookkeeper imports the next statement through the bank addon.
    printed = _shell(
        db,
        _addons_path(REPO),
        log_dir / "update-single-after.log",
        """
journal = env["account.journal"].search([("name", "=", "Business Checking")], limit=1)
ofx = env["ir.attachment"].search([("res_id", "=", journal.id), ("name", "=", "demo-statement.ofx")])
bookkeeper = env.ref("atlas_invoicing.demo_user_bookkeeper")
Statement = env["account.bank.statement"].with_user(bookkeeper)
result = Statement.atlas_import_statement(journal.id, ofx.datas.decode(), ofx.name)
print("AGAIN", result["line_count"], result["duplicates"])
""",
    )
    again = next(line for line in printed.splitlines() if line.startswith("AGAIN")).split()
    assert int(again[1]) == 5, printed


def test_only_atlas_invoicing_on_the_path_warns_and_keeps_the_invoices(old_database, tmp_path):
    """An administrator who installs only the atlas_invoicing wheel: the update says the bank
    screens go, and the invoices are untouched."""
    copy = f"{old_database[0]}_core"
    core_only = tmp_path / "core_only"
    core_only.mkdir()
    os.symlink(REPO / "atlas_invoicing", core_only / "atlas_invoicing")
    invoices_before = _query(copy, "SELECT id, state, amount_residual FROM account_move ORDER BY id")
    update_log = Path(_env("ATLAS_LOG_DIR")) / "update-single-core-only.log"
    result = _odoo(copy, _addons_path(core_only), update_log, "-u", "atlas_invoicing")
    assert result.returncode == 0, f"the update failed: see {update_log}"
    assert "atlas_invoicing_bank is not on the addons path" in update_log.read_text()
    assert _query(copy, "SELECT state FROM ir_module_module WHERE name = 'atlas_invoicing'") == [("installed",)]
    assert _query(copy, "SELECT id, state, amount_residual FROM account_move ORDER BY id") == invoices_before
    assert not _query(copy, "SELECT id FROM ir_ui_menu WHERE name->>'en_US' = 'Banking'")
