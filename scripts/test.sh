#!/usr/bin/env bash
# Runs every test of the repository's addons (atlas_invoicing and the addons at the root built
# on it, each a folder with a manifest), in order:
#   1. lint: ruff, then pylint-odoo (any message fails the run)
#   2. the addons' Odoo tests with pytest-odoo, on a fresh database where they were just installed,
#      while Odoo's whole `account` test suite runs with Odoo's own runner (odoo-bin --test-tags
#      /account) on a copy of it in the background: two processes, one per core
#   3. end-to-end tests over XML-RPC against a real Odoo server on a free local port (the account
#      suite still running beside them if it has not finished)
#   4. the wheels: one per addon, built, and installed from them on a throw-away database (atlas_invoicing
#      alone first: it must bring no OCA bank module)
# Every part runs even when an earlier one failed; the exit code is non-zero if any failed. The
# summary gives each part's time.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"
mapfile -t ADDON_DIRS < <(repo_addon_dirs)
ADDONS="$(repo_addons)"

require_odoo
ensure_venv
ensure_wkhtmltopdf
ensure_chromium
ensure_pdftotext
PG_WAS_RUNNING=0
pg_env
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1 && PG_WAS_RUNNING=1
ensure_postgres

RUN_ID="$(date +%Y%m%d%H%M%S)_$$"
TEMPLATE_DB="atlas_test_$RUN_ID"
LOG_DIR="$LOCAL_DIR/logs/$RUN_ID"
CONFIG="$LOG_DIR/odoo.conf"  # one per run: runs from several clones may overlap
mkdir -p "$LOG_DIR"
write_odoo_config "$CONFIG"
export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"

cleanup() {
    psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$TEMPLATE_DB\" WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$LOCAL_DIR/filestore/filestore/$TEMPLATE_DB"
    [ "$PG_WAS_RUNNING" = 1 ] || stop_postgres
}
trap cleanup EXIT

declare -a SUMMARY=()
FAILED=0
PART_START=$SECONDS
part() { PART_START=$SECONDS; printf '\n\033[1;34m===== %s =====\033[0m\n' "$*"; }
minutes() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
record() {  # $1 = part name, $2 = exit code, $3 = summary line, $4 = seconds (default: since part)
    SUMMARY+=("$(printf '%-24s %s (%s)' "$1" "$3" "$(minutes "${4:-$((SECONDS - PART_START))}")")")
    [ "$2" = 0 ] || FAILED=1
}

# pytest's own closing line (e.g. "12 passed in 3.1s"), taken from its output.
pytest_summary() { grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* =+$' "$1" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//'; }

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Odoo's test runner ends with "<F> failed, <E> error(s) of <N> tests when loading database
# '<db>'"; skipped tests are logged one by one. Prints "<P> passed, <F+E> failed[, <S> skipped]"
# (pytest's words, so the closing line can add it up), or nothing if the run never got there.
odoo_tests_summary() {
    local line run failed errors skipped
    line="$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$1" | tail -n 1)"
    [ -n "$line" ] || return 0
    read -r failed errors run < <(grep -oE '[0-9]+' <<<"$line" | tr '\n' ' ')
    skipped=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ INFO [^ ]+ odoo\.addons\.[^ ]+: skipped ' "$1")
    printf '%d passed, %d failed' $((run - failed - errors - skipped)) $((failed + errors))
    [ "$skipped" = 0 ] || printf ', %d skipped' "$skipped"
    echo
}

# --- 1. Lint --------------------------------------------------------------------------
part "Lint: ruff"
.venv/bin/ruff check "${ADDON_DIRS[@]}" tests bench && .venv/bin/ruff format --check "${ADDON_DIRS[@]}" tests bench
rc=$?; record "lint: ruff" $rc "$([ $rc = 0 ] && echo 'no findings' || echo 'FAILED (findings above)')"

part "Lint: pylint-odoo"
.venv/bin/pylint --rcfile=.pylintrc "${ADDON_DIRS[@]}"
rc=$?; record "lint: pylint-odoo" $rc "$([ $rc = 0 ] && echo 'no findings' || echo 'FAILED (findings above)')"

# --- 2. Odoo tests --------------------------------------------------------------------
part "Installing $ADDONS on a fresh database ($TEMPLATE_DB)"
INSTALL_LOG="$LOG_DIR/install.log"
odoo_bin -c "$CONFIG" -d "$TEMPLATE_DB" -i "$ADDONS" --stop-after-init \
    --log-level=info --logfile="$INSTALL_LOG" 2>/dev/null
rc=$?
if [ $rc != 0 ] || ! grep -q "Modules loaded" "$INSTALL_LOG"; then
    tail -n 40 "$INSTALL_LOG"
    record "install" 1 "FAILED (see $INSTALL_LOG)"
else
    log "installed (log: $INSTALL_LOG)"
    # The end-to-end tests clone this pristine copy; the Odoo tests run on the original.
    E2E_TEMPLATE="${TEMPLATE_DB}_e2e"
    psql -q -d postgres -c "CREATE DATABASE \"$E2E_TEMPLATE\" TEMPLATE \"$TEMPLATE_DB\""
    [ -d "$LOCAL_DIR/filestore/filestore/$TEMPLATE_DB" ] \
        && cp -r "$LOCAL_DIR/filestore/filestore/$TEMPLATE_DB" "$LOCAL_DIR/filestore/filestore/$E2E_TEMPLATE"
    trap 'psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$E2E_TEMPLATE\" WITH (FORCE)" >/dev/null 2>&1; rm -rf "$LOCAL_DIR/filestore/filestore/$E2E_TEMPLATE"; cleanup' EXIT

    # Odoo's whole account suite gets a copy of its own, so that what its runner leaves behind
    # (asset bundles generated for its tours) can't change the database the addon's tests use.
    ACCOUNT_DB="${TEMPLATE_DB}_account"
    psql -q -d postgres -c "CREATE DATABASE \"$ACCOUNT_DB\" TEMPLATE \"$TEMPLATE_DB\""
    [ -d "$LOCAL_DIR/filestore/filestore/$TEMPLATE_DB" ] \
        && cp -r "$LOCAL_DIR/filestore/filestore/$TEMPLATE_DB" "$LOCAL_DIR/filestore/filestore/$ACCOUNT_DB"
    trap 'for db in "$E2E_TEMPLATE" "$ACCOUNT_DB"; do psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1; rm -rf "$LOCAL_DIR/filestore/filestore/$db"; done; cleanup' EXIT
    # Odoo's account tour (TestUi.test_01_account_tour) expects the admin of a community
    # database, whose Invoicing app opens on the invoice list. The Atlas Administrator role,
    # which admin gets on install, includes Odoo's full accounting features, and Invoicing then
    # opens on the journals' dashboard. In this copy admin is given back Odoo's own groups.
    psql -q -d "$ACCOUNT_DB" -c "
        DELETE FROM res_groups_users_rel
         WHERE uid = (SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'user_admin')
           AND gid IN (SELECT res_id FROM ir_model_data
                        WHERE model = 'res.groups'
                          AND (module = 'atlas_invoicing'
                               OR (module = 'account'
                                   AND name IN ('group_account_user', 'group_account_basic', 'group_account_readonly'))))"

    # A test file of account's that its tests/__init__.py doesn't import never runs under Odoo's
    # runner (today: test_account_move_duplicate.py); pytest-odoo runs it with the addon's.
    ACCOUNT_TESTS_DIR="$ODOO_PATH/addons/account/tests"
    UNLOADED_ACCOUNT_TESTS=()
    for file in "$ACCOUNT_TESTS_DIR"/test_*.py; do
        grep -qE "^from \. import $(basename "$file" .py)\$" "$ACCOUNT_TESTS_DIR/__init__.py" \
            || UNLOADED_ACCOUNT_TESTS+=("$file")
    done

    # Odoo's own runner, as Odoo runs its tests: at_install tests while the modules load,
    # post_install ones (most of them, tours included) with every installed module, the addon
    # among them; standalone scripts (all_l10n) stay out, as in Odoo's own runs.
    part "Odoo's account tests with the addon installed (odoo-bin --test-tags /account)"
    ACCOUNT_LOG="$LOG_DIR/odoo-account-tests.log"
    # Three of account's tests fail on this Odoo 18 tree with or without the addon (checked on a
    # database with the same modules minus atlas_invoicing); they are listed, not hidden:
    # the community build has no "In Payment" state for bills, the chart's bank journal has no
    # payment method without an outstanding account, and the tax-group tour's total does not
    # update in Debian's headless Chromium.
    ODOO_FAILING_WITHOUT_ADDON=(
        "TestAccountMoveInInvoiceOnchanges.test_in_invoice_payment_register_wizard"
        "TestAccountMoveReconcile.test_partial_payments_auto_validation"
        "TestUi.test_01_account_tax_groups_tour"
    )
    # Three of account's portal tests assert what atlas_invoicing_collect changes on purpose: the
    # portal's download is the Atlas PDF the customer was emailed (not Odoo's invoice or
    # proforma), and another customer's invoice answers 404 (Odoo shows its own portal page).
    # atlas_invoicing_collect/tests/test_pay_now.py tests what the portal does instead.
    ODOO_CHANGED_BY_ATLAS=(
        "TestPortalInvoice.test_portal_my_invoice_detail_download_pdf"
        "TestPortalInvoice.test_portal_my_invoice_detail_download_proforma"
        "TestPortalInvoice.test_portal_my_invoice_detail_not_his_invoice"
    )
    ACCOUNT_TAGS="/account"
    for test in "${ODOO_FAILING_WITHOUT_ADDON[@]}"; do
        echo "not run (fails on this Odoo tree without the addon too): $test"
        ACCOUNT_TAGS+=",-/account:$test"
    done
    for test in "${ODOO_CHANGED_BY_ATLAS[@]}"; do
        echo "not run (asserts portal behaviour atlas_invoicing_collect changes on purpose): $test"
        ACCOUNT_TAGS+=",-/account:$test"
    done
    # It runs in the background, on the second core, while the addon's own tests and the
    # end-to-end tests run in the foreground: the three use databases of their own.
    log "Odoo's account tests started in the background (log: $ACCOUNT_LOG)"
    SECONDS_ACCOUNT_START=$SECONDS
    odoo_bin -c "$CONFIG" -d "$ACCOUNT_DB" --test-tags "$ACCOUNT_TAGS" --stop-after-init \
        --http-interface=127.0.0.1 --http-port="$(free_port)" --log-level=info --logfile="$ACCOUNT_LOG" 2>/dev/null &
    ACCOUNT_PID=$!
    trap 'kill "$ACCOUNT_PID" 2>/dev/null; wait "$ACCOUNT_PID" 2>/dev/null; for db in "$E2E_TEMPLATE" "$ACCOUNT_DB"; do psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1; rm -rf "$LOCAL_DIR/filestore/filestore/$db"; done; cleanup' EXIT
    part "Odoo tests (pytest-odoo): the addon's, and account's test files Odoo's runner doesn't load"
    .venv/bin/pytest -p no:cacheprovider --odoo-config="$CONFIG" --odoo-database="$TEMPLATE_DB" --odoo-http \
        --odoo-log-level=warn "${ADDON_DIRS[@]/%//tests}" "${UNLOADED_ACCOUNT_TESTS[@]}" 2>&1 | tee "$LOG_DIR/odoo-tests.out"
    rc=${PIPESTATUS[0]}
    record "odoo tests" $rc "$(pytest_summary "$LOG_DIR/odoo-tests.out")"

    # --- 3. End-to-end ------------------------------------------------------------------
    part "End-to-end tests (XML-RPC against a live server)"
    ATLAS_ODOO_CONFIG="$CONFIG" ATLAS_TEMPLATE_DB="$E2E_TEMPLATE" ATLAS_LOG_DIR="$LOG_DIR" \
        ATLAS_INSTALL_LOG="$INSTALL_LOG" ODOO_PATH="$ODOO_PATH" \
        .venv/bin/pytest -p no:cacheprovider -p no:odoo tests 2>&1 | tee "$LOG_DIR/e2e-tests.out"
    rc=${PIPESTATUS[0]}
    record "end-to-end tests" $rc "$(pytest_summary "$LOG_DIR/e2e-tests.out")"
    # tests/test_screenshots.py leaves a PNG of each main screen there, for a reviewer.
    [ -d "$LOG_DIR/screenshots" ] && log "screenshots of each main screen: $LOG_DIR/screenshots/"
    part "Odoo's account tests with the addon installed: waiting for the background run"
    wait "$ACCOUNT_PID"
    rc=$?
    ACCOUNT_SECONDS=$((SECONDS - SECONDS_ACCOUNT_START))
    grep -E ' (ERROR|CRITICAL) ' "$ACCOUNT_LOG" | grep -E ': (ERROR|FAIL): |CRITICAL' | sed -E 's/^[0-9-]+ [0-9:,]+ [0-9]+ //'
    account_summary="$(odoo_tests_summary "$ACCOUNT_LOG")"
    echo "${account_summary:-no test report (see $ACCOUNT_LOG)}" | tee "$LOG_DIR/odoo-account-tests.out"
    [ -n "$account_summary" ] && ! grep -qE '[1-9][0-9]* failed' <<<"$account_summary" || rc=1
    record "odoo account tests" $rc "${account_summary:-FAILED (see $ACCOUNT_LOG)}" "$ACCOUNT_SECONDS"

fi

# --- Wheel install test (packaging) ---------------------------------------------------
# The addons as administrators get them: one wheel each, built by whool, unpacked with pip into
# a folder of its own, installed from there (the checkout is not on that addons path) on a
# throw-away database: atlas_invoicing alone first, which must install no OCA bank module (an
# Odoo Enterprise database keeps its own bank reconciliation) and whose reports must run without
# the other addons, then the others. A file left
# out of a wheel or a broken manifest fails here.
part "Wheels: build them, install the addons from them on a throw-away database"
WHEEL_DIR="$LOG_DIR/wheel"; WHEEL_DB="${TEMPLATE_DB}_wheel"
OTHER_ADDONS="$(repo_addon_dirs | grep -vx atlas_invoicing | paste -sd, -)"
(
    set -e
    for addon in "${ADDON_DIRS[@]}"; do
        "$PYTHON" -m pip wheel -q --no-deps -w "$WHEEL_DIR/dist" "./$addon"
    done
    "$PYTHON" -m pip install -q --no-deps --target "$WHEEL_DIR/site" "$WHEEL_DIR"/dist/odoo_addon_*.whl
    wheel_odoo() {
        odoo_bin -c "$CONFIG" -d "$WHEEL_DB" --without-demo=all --stop-after-init --log-level=info \
            --addons-path="$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$OCA_DIR/odoo/addons,$WHEEL_DIR/site/odoo/addons" \
            "$@" 2>/dev/null
    }
    wheel_odoo -i atlas_invoicing --logfile="$WHEEL_DIR/install.log"
    grep -q "Modules loaded" "$WHEEL_DIR/install.log"
    [ "$(psql -d "$WHEEL_DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'atlas_invoicing'")" = installed ]
    bank_modules="$(psql -d "$WHEEL_DB" -tAc "SELECT string_agg(name, ', ') FROM ir_module_module
        WHERE state = 'installed' AND (name LIKE 'account\_statement\_%' OR name LIKE 'account\_reconcile\_%')")"
    if [ -n "$bank_modules" ]; then echo "atlas_invoicing alone installed OCA bank modules: $bank_modules"; exit 1; fi
    echo "atlas_invoicing alone: installed, no OCA bank module"
    # ... and its reports run there: the core reads nothing only another addon adds.
    odoo_bin shell -c "$CONFIG" -d "$WHEEL_DB" --log-level=critical --no-http \
        --addons-path="$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$OCA_DIR/odoo/addons,$WHEEL_DIR/site/odoo/addons" \
        < scripts/check_core_alone.py > "$WHEEL_DIR/core-alone-reports.log" 2>&1
    if ! grep -q "^REPORTS OK" "$WHEEL_DIR/core-alone-reports.log"; then
        cat "$WHEEL_DIR/core-alone-reports.log"; exit 1
    fi
    echo "atlas_invoicing alone: $(grep "^REPORTS OK" "$WHEEL_DIR/core-alone-reports.log")"
    if [ -n "$OTHER_ADDONS" ]; then
        wheel_odoo -i "$OTHER_ADDONS" --logfile="$WHEEL_DIR/install-others.log"
        grep -q "Modules loaded" "$WHEEL_DIR/install-others.log"
        not_installed="$(psql -d "$WHEEL_DB" -tAc "SELECT string_agg(name, ', ') FROM ir_module_module
            WHERE name = ANY(string_to_array('$OTHER_ADDONS', ',')) AND state <> 'installed'")"
        if [ -n "$not_installed" ]; then echo "not installed from their wheels: $not_installed"; exit 1; fi
        echo "then installed from their wheels: $OTHER_ADDONS"
    fi
)
rc=$?
psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$WHEEL_DB\" WITH (FORCE)" >/dev/null 2>&1
rm -rf "$LOCAL_DIR/filestore/filestore/$WHEEL_DB"
[ $rc = 0 ] || tail -n 40 "$WHEEL_DIR"/install*.log 2>/dev/null
record "wheel install" $rc "$([ $rc = 0 ] && echo "installed from $(cd "$WHEEL_DIR/dist" && ls *.whl | paste -sd' ' -)" || echo "FAILED (see $WHEEL_DIR)")"
# --- end of the wheel install test ----------------------------------------------------

part "Summary (logs: $LOG_DIR)"
printf '%s\n' "${SUMMARY[@]}"
[ -d "$LOG_DIR/screenshots" ] && printf '%-24s %s\n' "screenshots" "$LOG_DIR/screenshots/ ($(find "$LOG_DIR/screenshots" -name '*.png' | wc -l) PNG)"
# One closing line over both pytest parts, in the form CI reads.
passed=0; failed=0
for out in "$LOG_DIR"/odoo-tests.out "$LOG_DIR"/odoo-account-tests.out "$LOG_DIR"/e2e-tests.out; do
    [ -f "$out" ] || continue
    line="$(pytest_summary "$out")"
    [ -n "$line" ] || line="$(tail -n 1 "$out")"  # Odoo's runner: already "N passed, N failed"
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || true)
    f=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$line" | awk '{s += $1} END {print s + 0}')
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
[ "$FAILED" = 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
exit "$FAILED"
