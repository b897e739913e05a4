#!/usr/bin/env bash
# Bank statement benchmark (bench/bench_bank.py): import + auto-match a large CSV against a
# book of open invoices, on copies of one snapshot database.
#   atlas_bench_bank       atlas_invoicing, no demo, 5,000 open invoices (made once, then the
#                          addon updated to this checkout on every run)
#   atlas_bench_bank_run   the copy each import runs on (made and dropped for each size)
# Extra arguments go to the `bench` step, e.g.: bench/bank_run.sh --sizes 10000
# ATLAS_BENCH_INVOICES=N makes the snapshot with N open invoices (default 5000).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

require_odoo
ensure_venv
ensure_postgres

DB="atlas_bench_bank"
CONFIG="$LOCAL_DIR/bench-bank.conf"
LOG_DIR="$LOCAL_DIR/logs/bench-bank"
mkdir -p "$LOG_DIR"
write_odoo_config "$CONFIG"

if db_exists "$DB"; then
    log "Updating atlas_invoicing in $DB to this checkout"
    bench_odoo "$DB" "$DB" -u atlas_invoicing
else
    log "Creating $DB with atlas_invoicing (about 2 min)"
    bench_odoo "$DB" "$DB" -i atlas_invoicing
fi

run_script() {
    PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$REPO_DIR/bench/bench_bank.py" "$@"
}

log "Open invoices in the snapshot (bench/bench_bank.py setup)"
run_script setup -c "$CONFIG" --db "$DB" -n "${ATLAS_BENCH_INVOICES:-5000}" --logfile "$LOG_DIR/setup.log"

log "Importing (Odoo log: $LOG_DIR/run.log)"
run_script bench -c "$CONFIG" --db "$DB" --logfile "$LOG_DIR/run.log" "$@"
