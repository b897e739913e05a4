#!/usr/bin/env bash
# Invoice batches as queue jobs (bench/bench_queue.py): one batch of N contracts generated and
# posted by the cron worker, then as queue_job jobs with 1 and 2 HTTP workers, each on a fresh
# copy of one snapshot database, each by a real Odoo server (multi-process mode).
#   atlas_bench_queue       atlas_invoicing_queue + contract, no demo, 2,000 contracts (made
#                           once, then the addons updated to this checkout on every run)
#   atlas_bench_queue_run   the copy one path runs on (made and dropped for each run)
# Extra arguments go to bench_queue.py, e.g.: bench/queue_run.sh --paths queue2 --chunk-size 50
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

require_odoo
ensure_venv
ensure_postgres

DB="atlas_bench_queue"
CONFIG="$LOCAL_DIR/bench-queue.conf"
LOG_DIR="$LOCAL_DIR/logs/bench-queue"
mkdir -p "$LOG_DIR"
write_odoo_config "$CONFIG"

if db_exists "$DB"; then
    log "Updating the addons in $DB to this checkout"
    bench_odoo "$DB" "$DB" -u atlas_invoicing,atlas_invoicing_queue
else
    log "Creating $DB with atlas_invoicing_queue and contract (about 3 min)"
    bench_odoo "$DB" "$DB" -i atlas_invoicing_queue,contract
fi

export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
log "Contracts in the snapshot (bench/bench_contracts.py setup)"
"$PYTHON" bench/bench_contracts.py setup -c "$CONFIG" --db "$DB" -n "${ATLAS_BENCH_CONTRACTS:-2000}" \
    --logfile "$LOG_DIR/setup.log"

log "Running the paths (servers' logs in $LOG_DIR)"
"$PYTHON" bench/bench_queue.py -c "$CONFIG" --db "$DB" --log-dir "$LOG_DIR" "$@"
