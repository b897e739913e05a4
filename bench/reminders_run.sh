#!/usr/bin/env bash
# Reminder run benchmark (bench/bench_reminders.py): OCA account_invoice_overdue_reminder's run
# as shipped vs Atlas's scheduled reminder run, on copies of one snapshot database.
#   atlas_bench_reminders       atlas_invoicing_collect, no demo, 1,000 customers × 5 overdue
#                               invoices (made once, then the addons updated on every run)
#   atlas_bench_reminders_run   the copy one path runs on (made and dropped for each run)
# Extra arguments go to the `bench` step, e.g.: bench/reminders_run.sh --sizes 40 1000 --oca-max 40
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

require_odoo
ensure_venv
ensure_postgres
ensure_wkhtmltopdf

DB="atlas_bench_reminders"
CONFIG="$LOCAL_DIR/bench-reminders.conf"
LOG_DIR="$LOCAL_DIR/logs/bench-reminders"
mkdir -p "$LOG_DIR"
write_odoo_config "$CONFIG"

if db_exists "$DB"; then
    log "Updating the addons in $DB to this checkout"
    bench_odoo "$DB" "$DB" -u atlas_invoicing,atlas_invoicing_collect
else
    log "Creating $DB with atlas_invoicing_collect (about 3 min)"
    bench_odoo "$DB" "$DB" -i atlas_invoicing_collect
fi

run_script() {
    PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$REPO_DIR/bench/bench_reminders.py" "$@"
}

log "Overdue invoices in the snapshot (bench/bench_reminders.py setup)"
run_script setup -c "$CONFIG" --db "$DB" -n "${ATLAS_BENCH_REMINDER_CUSTOMERS:-1000}" --logfile "$LOG_DIR/setup.log"

log "Running both paths (Odoo log: $LOG_DIR/run.log)"
run_script bench -c "$CONFIG" --db "$DB" --logfile "$LOG_DIR/run.log" "$@"
