#!/usr/bin/env bash
# Contract invoicing benchmark (bench/bench_contracts.py): OCA contract's recurring-invoice
# cron vs an Atlas invoice batch, generate + post, on copies of one snapshot database.
#   atlas_bench_contracts   atlas_invoicing + contract, no demo, 2,000 contracts (made once,
#                           then atlas_invoicing updated to this checkout on every run)
#   atlas_bench_contracts_run   the copy one path runs on (made and dropped for each run)
# Extra arguments go to the `bench` step, e.g.: bench/contracts_run.sh --sizes 2000 --rounds 3
# ATLAS_BENCH_CONTRACTS=N makes the snapshot with N contracts (default 2000; only when it is created).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

require_odoo
ensure_venv
ensure_postgres

DB="atlas_bench_contracts"
CONFIG="$LOCAL_DIR/bench-contracts.conf"
LOG_DIR="$LOCAL_DIR/logs/bench-contracts"
mkdir -p "$LOG_DIR"
write_odoo_config "$CONFIG"

if db_exists "$DB"; then
    log "Updating atlas_invoicing in $DB to this checkout"
    bench_odoo "$DB" "$DB" -u atlas_invoicing -i contract
else
    log "Creating $DB with atlas_invoicing and contract (about 3 min)"
    bench_odoo "$DB" "$DB" -i atlas_invoicing,contract
fi

run_script() {
    PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$REPO_DIR/bench/bench_contracts.py" "$@"
}

log "Contracts in the snapshot (bench/bench_contracts.py setup)"
run_script setup -c "$CONFIG" --db "$DB" -n "${ATLAS_BENCH_CONTRACTS:-2000}" --logfile "$LOG_DIR/setup.log"

log "Running both paths (Odoo log: $LOG_DIR/run.log)"
run_script bench -c "$CONFIG" --db "$DB" --logfile "$LOG_DIR/run.log" "$@"
