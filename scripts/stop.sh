#!/usr/bin/env bash
# Stops the demo's Odoo server and, unless something else is still using it (a test run, a
# benchmark), the harness's PostgreSQL cluster. Data is kept in .local/.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

PID_FILE="$LOCAL_DIR/demo.pid"
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PID_FILE")" && log "Odoo demo server stopped"
    for _ in $(seq 1 30); do kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break; sleep 1; done
fi
rm -f "$PID_FILE"

pg_env
others=$(psql -d postgres -tAc "SELECT count(*) FROM pg_stat_activity
    WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" 2>/dev/null || echo 0)
if [ "${others:-0}" -gt 0 ]; then
    log "PostgreSQL left running: $others other connection(s) use it (a test run or a benchmark?)."
else
    stop_postgres
fi
