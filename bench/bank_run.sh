#!/usr/bin/env bash
# Bank statement benchmark (bench/bench_bank.py): import + match a large CSV against a book of
# open invoices, OCA's import as shipped (the reference) and Atlas's, on copies of two
# snapshot databases made alike:
#   atlas_bench_bank           atlas_invoicing, no demo, 5,000 open invoices (made once, then
#                              the addon updated to this checkout on every run)
#   atlas_bench_bank_oca       account + OCA's account_statement_import_sheet_file and
#                              account_reconcile_oca only, no demo, the same 5,000 invoices
#                              (made once; nothing of this checkout in it)
#   atlas_bench_bank{,_oca}_run  the copy each import runs on (made and dropped for each run)
# Extra arguments go to the `bench` step, e.g.: bench/bank_run.sh --sizes 10000
# --paths atlas or --paths oca runs (and prepares) one path only.
# bench/bank_run.sh setup-oca makes the OCA snapshot only, without running the benchmark.
# ATLAS_BENCH_INVOICES=N makes the snapshots with N open invoices (default 5000).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

require_odoo
ensure_venv
ensure_postgres

DB="atlas_bench_bank"
OCA_DB="atlas_bench_bank_oca"
OCA_MODULES="account,account_statement_import_sheet_file,account_reconcile_oca"
CONFIG="$LOCAL_DIR/bench-bank.conf"
LOG_DIR="$LOCAL_DIR/logs/bench-bank"
mkdir -p "$LOG_DIR"
write_odoo_config "$CONFIG"
INVOICES="${ATLAS_BENCH_INVOICES:-5000}"

run_script() {
    PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$REPO_DIR/bench/bench_bank.py" "$@"
}

setup_oca() {
    if ! db_exists "$OCA_DB"; then
        log "Creating $OCA_DB with $OCA_MODULES (about 1 min)"
        bench_odoo "$OCA_DB" "$OCA_DB" -i "$OCA_MODULES"
    fi
    log "Open invoices in the OCA snapshot (bench/bench_bank.py setup --path oca)"
    run_script setup -c "$CONFIG" --oca-db "$OCA_DB" --path oca -n "$INVOICES" --logfile "$LOG_DIR/setup-oca.log"
}

setup_atlas() {
    if db_exists "$DB"; then
        log "Updating atlas_invoicing and atlas_invoicing_bank in $DB to this checkout"
        bench_odoo "$DB" "$DB" -u atlas_invoicing -i atlas_invoicing_bank
    else
        log "Creating $DB with atlas_invoicing and atlas_invoicing_bank (about 2 min)"
        bench_odoo "$DB" "$DB" -i atlas_invoicing,atlas_invoicing_bank
    fi
    log "Open invoices in the Atlas snapshot (bench/bench_bank.py setup)"
    run_script setup -c "$CONFIG" --db "$DB" --path atlas -n "$INVOICES" --logfile "$LOG_DIR/setup.log"
}

if [[ "${1:-}" == "setup-oca" ]]; then
    setup_oca
    exit 0
fi

# The paths this run needs (--paths a,b or --paths=a,b; both by default).
PATHS="oca,atlas"
prev=""
for arg in "$@"; do
    [[ "$prev" == "--paths" ]] && PATHS="$arg"
    [[ "$arg" == --paths=* ]] && PATHS="${arg#--paths=}"
    prev="$arg"
done
if [[ ",$PATHS," == *",oca,"* ]]; then setup_oca; fi
if [[ ",$PATHS," == *",atlas,"* ]]; then setup_atlas; fi

log "Importing (Odoo log: $LOG_DIR/run.log)"
run_script bench -c "$CONFIG" --db "$DB" --oca-db "$OCA_DB" --logfile "$LOG_DIR/run.log" "$@"
