# Shared by the benchmark runners (bench/*_run.sh): the project's harness, plus the
# benchmark databases' helpers. Each runner sets CONFIG and LOG_DIR before using them.
# shellcheck shell=bash
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

db_exists() { psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }

# odoo-bin on a benchmark database: no demo data, no cron, warnings only, its own log.
bench_odoo() {  # $1 = database, $2 = log name, $3.. = odoo-bin arguments (-i/-u)
    local db="$1" logfile="$LOG_DIR/$2.log"; shift 2
    odoo_bin -c "$CONFIG" -d "$db" "$@" --stop-after-init --without-demo=all --max-cron-threads=0 \
        --log-level=warn --logfile="$logfile" || die "odoo-bin $* on $db failed (see $logfile)"
}
