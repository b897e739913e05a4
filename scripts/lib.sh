# Shared by scripts/demo.sh, scripts/test.sh and scripts/stop.sh: where things are,
# the Python environment, and the private PostgreSQL cluster.
# shellcheck shell=bash

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo18}"
LOCAL_DIR="$REPO_DIR/.local"          # ignored by git: cluster, logs, configs, stamps
VENV_DIR="$REPO_DIR/.venv"            # ignored by git: Odoo's and the tests' Python packages
OCA_DIR="$LOCAL_DIR/oca-addons"       # ignored by git: the OCA addons atlas_invoicing depends on
PG_PORT="${ATLAS_PG_PORT:-54329}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
DB_USER="odoo"
PYTHON="$VENV_DIR/bin/python"

log() { printf '\033[1m[atlas]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[atlas] %s\033[0m\n' "$*" >&2; exit 1; }

require_odoo() {
    if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -f "$ODOO_PATH/odoo/release.py" ]; then
        die "No Odoo 18 tree at $ODOO_PATH (looked for $ODOO_PATH/odoo-bin).
Put an Odoo 18.0 source tree there, or point to yours: ODOO_PATH=/path/to/odoo $0"
    fi
    grep -q "version_info = (18, 0" "$ODOO_PATH/odoo/release.py" \
        || die "The tree at $ODOO_PATH is not Odoo 18.0 (see $ODOO_PATH/odoo/release.py)."
}

# Odoo's own addons plus this repository (the addon folder sits at its root).
# OCA addons come from PyPI as wheels whose modules sit in odoo/addons/ of their target.
addons_path() { echo "$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$OCA_DIR/odoo/addons,$REPO_DIR"; }

# --- Python environment -------------------------------------------------------------

# Odoo's requirements.txt as it installs on current Python tooling: cbor2 5.4.2 no longer
# builds (5.6.2 is a wheel), psycopg2 is taken as its binary wheel, and python-ldap (only
# for auth_ldap, which the addon does not use) is left out because it needs LDAP headers.
odoo_requirements() {
    sed -e 's/^cbor2==5\.4\.2/cbor2==5.6.2/' \
        -e 's/^psycopg2==/psycopg2-binary==/' \
        -e '/^python-ldap/d' \
        "$ODOO_PATH/requirements.txt"
}

ensure_venv() {
    mkdir -p "$LOCAL_DIR"
    local stamp="$LOCAL_DIR/venv.stamp" want
    want="$( (odoo_requirements; cat "$REPO_DIR/requirements-test.txt") | sha1sum | cut -c1-40)"
    if [ -x "$PYTHON" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        ensure_oca_addons "$REPO_DIR/requirements-oca.txt" "$OCA_DIR"
        return 0
    fi
    log "Installing Odoo 18's Python dependencies and the test tools into .venv (first run: ~5 min)"
    [ -x "$PYTHON" ] || python3 -m venv "$VENV_DIR" || die "python3 -m venv failed"
    "$PYTHON" -m pip install -q --upgrade pip "setuptools<70" wheel
    odoo_requirements > "$LOCAL_DIR/odoo-requirements.txt"
    "$PYTHON" -m pip install -q -r "$LOCAL_DIR/odoo-requirements.txt" -r "$REPO_DIR/requirements-test.txt" \
        || die "pip install failed (see above)"
    echo "$want" > "$stamp"
    ensure_oca_addons "$REPO_DIR/requirements-oca.txt" "$OCA_DIR"
}

# OCA addons from PyPI (a requirements file of odoo-addon-* pins) into their own folder.
# --no-deps: each wheel requires the `odoo` distribution, which the source tree provides.
ensure_oca_addons() {  # $1 = requirements file, $2 = target folder
    local req="$1" target="$2" stamp="$2.stamp" want
    want="$(sha1sum < "$req" | cut -c1-40)"
    [ -d "$target/odoo/addons" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
    log "Installing OCA addons from PyPI ($(basename "$req")) into ${target#"$REPO_DIR"/}"
    rm -rf "$target"
    "$PYTHON" -m pip install -q --no-deps --target "$target" -r "$req" \
        || die "pip install of the OCA addons in $req failed"
    echo "$want" > "$stamp"
}

# A Debian package the tests need, installed when its command is missing (as root), or a
# clear message saying what to install.
ensure_debian_package() {  # $1 = command, $2 = package, $3 = what it is for
    command -v "$1" >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "Installing $2 (Debian package)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null \
            || die "apt-get install $2 failed"
    else
        die "$1 is missing ($3): install it (e.g. sudo apt-get install $2) and run again."
    fi
}

ensure_wkhtmltopdf() { ensure_debian_package wkhtmltopdf wkhtmltopdf "the PDF engine of Odoo's reports"; }
ensure_chromium() { ensure_debian_package chromium chromium "the browser tours need it"; }
ensure_pdftotext() { ensure_debian_package pdftotext poppler-utils "the end-to-end tests read the PDFs' text"; }

# --- PostgreSQL cluster -------------------------------------------------------------
# initdb refuses to run as root, so as root the cluster belongs to an unprivileged user.

pg_os_user() {
    if [ "$(id -u)" != 0 ]; then id -un; return; fi
    if ! id atlaspg >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin atlaspg \
            || die "could not create the unprivileged user 'atlaspg' for PostgreSQL"
    fi
    echo atlaspg
}

as_pg() {
    local user; user="$(pg_os_user)"
    if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

# The data folder lives in .local/ unless the PostgreSQL user can't reach it (a clone
# under /root, say): then under /var/tmp, keyed by the clone's path.
pg_base_dir() {
    local base="$LOCAL_DIR/pg"
    mkdir -p "$base"
    if [ "$(id -u)" = 0 ]; then
        chown "$(pg_os_user)" "$base"
        if ! as_pg test -w "$base"; then
            base="/var/tmp/atlas-pg-$(echo "$REPO_DIR" | sha1sum | cut -c1-10)"
            mkdir -p "$base" && chown "$(pg_os_user)" "$base"
        fi
    fi
    echo "$base"
}

PG_BASE=""
pg_env() {
    [ -n "$PG_BASE" ] || PG_BASE="$(pg_base_dir)"
    PG_DATA="$PG_BASE/data"
    PG_SOCKET="$PG_BASE/run"
    # A Unix socket path has at most 107 bytes; a deep clone gets a short one under /tmp.
    if [ ${#PG_SOCKET} -gt 80 ]; then
        PG_SOCKET="/tmp/atlas-pg-$(echo "$REPO_DIR" | sha1sum | cut -c1-10)"
    fi
    export PGHOST="$PG_SOCKET" PGPORT="$PG_PORT" PGUSER="$DB_USER"
}

ensure_postgres() {
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found (PG_BIN=$PG_BIN).
Install them (e.g. apt-get install postgresql) or set PG_BIN to the folder holding initdb."
    pg_env
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        log "Creating the PostgreSQL cluster in $PG_DATA (port $PG_PORT)"
        as_pg mkdir -p "$PG_DATA" "$PG_SOCKET"
        as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null \
            || die "initdb failed"
        cat <<CONF | as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
listen_addresses = ''
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 512MB
CONF
    fi
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        as_pg mkdir -p "$PG_SOCKET"
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_BASE/postgres.log" -w -t 60 start >/dev/null \
            || die "PostgreSQL did not start; see $PG_BASE/postgres.log"
    fi
    # Odoo refuses to connect as 'postgres'; it gets a role of its own.
    if ! psql -U postgres -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1; then
        psql -q -U postgres -d postgres -c "CREATE ROLE $DB_USER LOGIN CREATEDB" \
            || die "could not create the PostgreSQL role $DB_USER"
    fi
}

stop_postgres() {
    pg_env
    if [ -f "$PG_DATA/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && log "PostgreSQL stopped"
    fi
}

# An Odoo configuration file for this cluster.
write_odoo_config() {  # $1 = file, $2.. = extra "key = value" lines
    local file="$1"; shift
    pg_env
    {
        echo "[options]"
        echo "addons_path = $(addons_path)"
        echo "db_host = $PG_SOCKET"
        echo "db_port = $PG_PORT"
        echo "db_user = $DB_USER"
        echo "db_password = False"
        echo "data_dir = $LOCAL_DIR/filestore"
        echo "admin_passwd = admin"
        for line in "$@"; do echo "$line"; done
        # queue_job starts its job runner in any threaded Odoo that loads it (the tests' HTTP
        # server, the demo), which would hand every batch to jobs: off here (a root channel of
        # capacity 0), on where a test runs several servers with a runner (tests/conftest.py).
        echo "[queue_job]"
        echo "channels = root:0"
    } > "$file"
}

# The repository's addons: every folder at its root with a manifest (atlas_invoicing first,
# the addons built on it after). repo_addons prints them comma-separated, for -i/-u.
repo_addon_dirs() { (cd "$REPO_DIR" && ls -d */__manifest__.py | cut -d/ -f1 | sort); }
repo_addons() { repo_addon_dirs | paste -sd, -; }

odoo_bin() { "$PYTHON" "$ODOO_PATH/odoo-bin" "$@"; }
