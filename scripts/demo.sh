#!/usr/bin/env bash
# Starts the Atlas Invoicing demo: its own PostgreSQL cluster, a database with the addon
# and its demo data, and Odoo at http://localhost:8069 (in the background).
# Running it again reuses the cluster and the database (the addon is updated to the
# checked-out code). Stop everything with scripts/stop.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

DEMO_DB="${ATLAS_DEMO_DB:-atlas_demo}"
DEMO_PORT="${ATLAS_DEMO_PORT:-8069}"
DEMO_INTERFACE="${ATLAS_DEMO_INTERFACE:-127.0.0.1}"
CONFIG="$LOCAL_DIR/demo.conf"
PID_FILE="$LOCAL_DIR/demo.pid"
LOG_FILE="$LOCAL_DIR/demo.log"

require_odoo
ensure_venv
ensure_wkhtmltopdf
ensure_postgres
write_odoo_config "$CONFIG" "db_name = $DEMO_DB" "dbfilter = ^$DEMO_DB\$" "list_db = False" \
    "http_interface = $DEMO_INTERFACE" "http_port = $DEMO_PORT" "logfile = $LOG_FILE"

if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    log "The demo is already running at http://localhost:$DEMO_PORT (pid $(cat "$PID_FILE"))."
    exit 0
fi

if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DEMO_DB'" | grep -q 1; then
    log "Reusing database $DEMO_DB; updating the Atlas addons to this checkout"
    odoo_bin -c "$CONFIG" -i "$(repo_addons)" -u "$(repo_addons)" --stop-after-init 2>"$LOCAL_DIR/demo.err" \
        || die "Updating the addon failed: $(cat "$LOCAL_DIR/demo.err"); see $LOG_FILE"
else
    log "Creating database $DEMO_DB with the Atlas addons and demo data (about a minute)"
    odoo_bin -c "$CONFIG" -i "$(repo_addons)" --stop-after-init 2>"$LOCAL_DIR/demo.err" \
        || die "Installing the addon failed: $(cat "$LOCAL_DIR/demo.err"); see $LOG_FILE"
fi

# The demo's bank statements (CSV, OFX, CAMT.053), as files to import in Banking → Import Statement.
STATEMENTS_DIR="$LOCAL_DIR/demo-statements"
mkdir -p "$STATEMENTS_DIR"
psql -d "$DEMO_DB" -tA -F ' ' -c "SELECT store_fname, name FROM ir_attachment
    WHERE res_model = 'account.journal' AND name LIKE 'demo-statement%' AND store_fname IS NOT NULL" |
    while read -r fname name; do
        cp "$LOCAL_DIR/filestore/filestore/$DEMO_DB/$fname" "$STATEMENTS_DIR/$name" || true
    done

log "Starting Odoo on http://localhost:$DEMO_PORT"
nohup "$PYTHON" "$ODOO_PATH/odoo-bin" -c "$CONFIG" >"$LOCAL_DIR/demo.err" 2>&1 &
echo $! > "$PID_FILE"
for _ in $(seq 1 120); do
    if "$PYTHON" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$DEMO_PORT/web/login', timeout=2)" 2>/dev/null; then
        cat <<MSG

Atlas Invoicing demo: http://localhost:$DEMO_PORT   (database $DEMO_DB)
  admin / admin             Administrator (and Odoo's superuser)
  accountant / accountant   Accountant
  bookkeeper / bookkeeper   Bookkeeper
  viewer / viewer           Viewer
Bank statements to import (Banking → Import Statement): $STATEMENTS_DIR
Log: $LOG_FILE
Stop: scripts/stop.sh
MSG
        exit 0
    fi
    kill -0 "$(cat "$PID_FILE")" 2>/dev/null || die "Odoo exited; see $LOG_FILE"
    sleep 1
done
die "Odoo did not answer on port $DEMO_PORT within 2 minutes; see $LOG_FILE"
