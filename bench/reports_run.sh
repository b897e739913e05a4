#!/usr/bin/env bash
# Runs the report benchmarks (bench/bench_reports.py): Atlas AR Aging and General Ledger vs
# OCA account_financial_report's Aged Partner Balance and General Ledger, on one large book.
#   atlas_bench_books   atlas_invoicing + account_financial_report, 100,000 posted invoices
#                       (bench/make_large_book.py), restored from .local/bench/ when cached
# The OCA modules come from PyPI (bench/requirements-reports.txt) into .local/oca-bench, on
# the addons path of this benchmark's configuration only.
# Extra arguments go to the script, e.g.: bench/reports_run.sh --rounds 3 --skip-gl
#   ATLAS_BENCH_REGENERATE=1 bench/reports_run.sh    builds the book again (ignores the dump)
#   ATLAS_BENCH_PREPARE_ONLY=1 bench/reports_run.sh  prepares the database, runs no benchmark
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

require_odoo
ensure_venv
ensure_postgres
OCA_BENCH_DIR="$LOCAL_DIR/oca-bench"
ensure_oca_addons "$REPO_DIR/bench/requirements-reports.txt" "$OCA_BENCH_DIR"

DB="${ATLAS_BENCH_BOOKS_DB:-atlas_bench_books}"
CONFIG="$LOCAL_DIR/bench-reports.conf"
LOG_DIR="$LOCAL_DIR/logs/bench"
CACHE_DIR="$LOCAL_DIR/bench"
DUMP="$CACHE_DIR/$DB.dump"
mkdir -p "$LOG_DIR" "$CACHE_DIR"
write_odoo_config "$CONFIG"
sed -i "s|^addons_path = .*|&,$OCA_BENCH_DIR/odoo/addons|" "$CONFIG"

# The dump is good while the generator, the addon's version and the OCA pins are the same.
BOOK_KEY="$( (cat bench/make_large_book.py bench/requirements-reports.txt; grep '"version"' atlas_invoicing/__manifest__.py) \
    | sha1sum | cut -c1-12)"
# The addon's code: the database is updated (-u) when it differs from the last update.
ADDON_KEY="$(cd "$REPO_DIR" && find atlas_invoicing -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' \) \
    -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-12)"

db_comment() { psql -d postgres -tAc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$1'"; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

if db_exists "$DB" && [ "$(db_comment "$DB" | cut -d' ' -f1)" = "book:$BOOK_KEY" ] && [ -z "${ATLAS_BENCH_REGENERATE:-}" ]; then
    log "$DB holds the book $BOOK_KEY"
else
    if db_exists "$DB"; then
        log "Dropping $DB (another book or an interrupted run)"
        psql -q -d postgres -c "DROP DATABASE \"$DB\" WITH (FORCE)"
    fi
    if [ -f "$DUMP" ] && [ "$(cat "$DUMP.key" 2>/dev/null)" = "$BOOK_KEY" ] && [ -z "${ATLAS_BENCH_REGENERATE:-}" ]; then
        log "Restoring $DB from ${DUMP#"$REPO_DIR"/}"
        start=$(date +%s)
        psql -q -d postgres -c "CREATE DATABASE \"$DB\""
        "$PG_BIN/pg_restore" -d "$DB" -j 2 --no-owner "$DUMP" || die "pg_restore of $DUMP failed"
        psql -q -d "$DB" -c "SET client_min_messages = error" -c "ANALYZE"  # not the shared catalogs
        log "Restored in $(seconds_since "$start") s"
    else
        log "Generating the book in $DB (about 15 min; cached in ${DUMP#"$REPO_DIR"/} afterwards)"
        start=$(date +%s)
        bench_odoo "$DB" "$DB-install" -i atlas_invoicing,account_financial_report
        PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" bench/make_large_book.py \
            -c "$CONFIG" -d "$DB" --logfile "$LOG_DIR/$DB-generate.log" \
            || die "bench/make_large_book.py failed (see $LOG_DIR/$DB-generate.log)"
        log "Generated in $(seconds_since "$start") s; dumping it"
        start=$(date +%s)
        rm -f "$DUMP" "$DUMP.key"
        "$PG_BIN/pg_dump" -Fc -f "$DUMP" "$DB" || die "pg_dump of $DB failed"
        echo "$BOOK_KEY" > "$DUMP.key"
        generated=1
        log "Dumped in $(seconds_since "$start") s ($(du -h "$DUMP" | cut -f1))"
    fi
    comment="book:$BOOK_KEY"
    [ -n "${generated:-}" ] && comment="$comment addon:$ADDON_KEY"  # installed from this checkout
    psql -q -d postgres -c "COMMENT ON DATABASE \"$DB\" IS '$comment'"
fi

if [ "$(db_comment "$DB")" != "book:$BOOK_KEY addon:$ADDON_KEY" ]; then
    log "Updating atlas_invoicing in $DB to this checkout"
    start=$(date +%s)
    bench_odoo "$DB" "$DB-update" -u atlas_invoicing
    psql -q -d postgres -c "COMMENT ON DATABASE \"$DB\" IS 'book:$BOOK_KEY addon:$ADDON_KEY'"
    log "Updated in $(seconds_since "$start") s"
fi

[ -n "${ATLAS_BENCH_PREPARE_ONLY:-}" ] && { log "$DB is ready"; exit 0; }
log "Running bench/bench_reports.py (Odoo log: $LOG_DIR/reports.log)"
PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$REPO_DIR/bench/bench_reports.py" \
    -c "$CONFIG" -d "$DB" --logfile "$LOG_DIR/reports.log" "$@"
