#!/usr/bin/env bash
# Stops the demo's Odoo server and the harness's PostgreSQL cluster (data is kept).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

PID_FILE="$LOCAL_DIR/demo.pid"
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PID_FILE")" && log "Odoo demo server stopped"
    for _ in $(seq 1 30); do kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break; sleep 1; done
fi
rm -f "$PID_FILE"
stop_postgres
