#!/usr/bin/env bash
# Runs the invoice benchmarks (bench/bench_invoices.py): vanilla Odoo vs atlas_invoicing.
#   atlas_bench_vanilla  only `account` installed (created once)
#   atlas_bench_atlas    atlas_invoicing installed (created once, then updated to this checkout)
# Extra arguments go to the script, e.g.: bench/invoices_run.sh -n 100 --rounds 5 --skip-send
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

require_odoo
ensure_venv
ensure_wkhtmltopdf
ensure_postgres

VANILLA_DB="atlas_bench_vanilla"
ATLAS_DB="atlas_bench_atlas"
CONFIG="$LOCAL_DIR/bench.conf"
LOG_DIR="$LOCAL_DIR/logs/bench"
mkdir -p "$LOG_DIR"
write_odoo_config "$CONFIG"

if db_exists "$VANILLA_DB"; then
    log "$VANILLA_DB exists (account only)"
else
    log "Creating $VANILLA_DB with account only (about 2 min)"
    bench_odoo "$VANILLA_DB" "$VANILLA_DB" -i account
fi

if db_exists "$ATLAS_DB"; then
    log "Updating atlas_invoicing in $ATLAS_DB to this checkout"
    bench_odoo "$ATLAS_DB" "$ATLAS_DB" -u atlas_invoicing
else
    log "Creating $ATLAS_DB with atlas_invoicing (about 2 min)"
    bench_odoo "$ATLAS_DB" "$ATLAS_DB" -i atlas_invoicing
fi

log "Running bench/bench_invoices.py (Odoo log: $LOG_DIR/run.log)"
PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$REPO_DIR/bench/bench_invoices.py" \
    -c "$CONFIG" --vanilla-db "$VANILLA_DB" --atlas-db "$ATLAS_DB" --logfile "$LOG_DIR/run.log" "$@"
