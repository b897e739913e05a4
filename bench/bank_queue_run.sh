#!/usr/bin/env bash
# Long bank statement imports as queue jobs (bench/bench_bank.py, paths "atlas" and "jobs"):
# import + match a CSV of 1,000 and 10,000 lines against 5,000 open invoices, in one
# transaction (atlas_invoicing_queue.dispatch = never) vs one job per chunk of 500 lines
# (dispatch = always), on copies of one snapshot database:
#   atlas_bench_bank_queue      atlas_invoicing_bank_queue (with atlas_invoicing_bank and
#                               atlas_invoicing_queue), no demo, 5,000 open invoices (made once,
#                               then the addons updated to this checkout on every run)
#   atlas_bench_bank_queue_run  the copy each import runs on (made and dropped for each run)
# Prints lines/s per path and size, and lines/s at the last size ÷ lines/s at the first (the
# goal: ≥ 0.85, a flat per-line time). Extra arguments go to the `bench` step, e.g.
# bench/bank_queue_run.sh --sizes 1000 (a quick look); bench/bank_queue_run.sh setup makes or
# updates the snapshot only, without running the benchmark.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

require_odoo
ensure_venv
ensure_postgres

DB="atlas_bench_bank_queue"
CONFIG="$LOCAL_DIR/bench-bank.conf"
LOG_DIR="$LOCAL_DIR/logs/bench-bank-queue"
mkdir -p "$LOG_DIR"
write_odoo_config "$CONFIG"
MODULES="atlas_invoicing,atlas_invoicing_bank,atlas_invoicing_queue,atlas_invoicing_bank_queue"

run_script() {
    PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$REPO_DIR/bench/bench_bank.py" "$@"
}

if db_exists "$DB"; then
    log "Updating $MODULES in $DB to this checkout"
    bench_odoo "$DB" "$DB" -u "$MODULES"
else
    log "Creating $DB with $MODULES (about 3 min)"
    bench_odoo "$DB" "$DB" -i "$MODULES"
fi
log "Open invoices in the snapshot (bench/bench_bank.py setup)"
run_script setup -c "$CONFIG" --db "$DB" --path atlas -n "${ATLAS_BENCH_INVOICES:-5000}" --logfile "$LOG_DIR/setup.log"
if [[ "${1:-}" == "setup" ]]; then
    exit 0
fi

log "Importing (Odoo log: $LOG_DIR/run.log)"
run_script bench -c "$CONFIG" --db "$DB" --paths atlas,jobs --sizes 1000,10000 --logfile "$LOG_DIR/run.log" "$@"
