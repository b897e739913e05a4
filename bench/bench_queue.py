"""Invoice batches as queue jobs: one batch of N contracts, generated and posted, by the cron
worker vs by queue_job jobs with 1 and 2 HTTP workers.

Every path runs the same batch (all the snapshot's contracts, *Post as Generated*, chunks of
``--chunk-size``) on a fresh copy of the snapshot database, by a real Odoo server started for
it in multi-process mode, as in production:

- ``cron``: atlas_invoicing's own path (``atlas_invoicing_queue.dispatch`` = never): Generate
  marks the batch running and triggers the cron job, which one cron worker runs chunk by chunk;
- ``queue1`` / ``queue2``: the server runs queue_job's job runner (``server_wide_modules =
  base,web,queue_job``, ``channels = root:N``) with N = 1 or 2 HTTP workers; Generate enqueues
  one job per chunk, the runner hands them to the workers.

Measured from the click on Generate (``action_generate`` over XML-RPC) to the batch done:
invoices/s and the ratio to the cron path; where the time goes: PostgreSQL's own count of the
time its backends spent executing statements in the database (``pg_stat_database.active_time``),
per invoice, against the Odoo side's busy time per invoice (the cron worker's wall time; for
jobs, the sum of the job requests' times as Odoo logs them, whose SQL part is the time Odoo
waited for PostgreSQL).
"""

import argparse
import configparser
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

import psutil
import psycopg2

ODOO_BIN = Path(os.environ.get("ODOO_PATH", "/opt/odoo18")) / "odoo-bin"
PATHS = {
    # name: (HTTP workers, cron workers, job runner channels or None, dispatch)
    "cron": (2, 1, None, "never"),
    "queue1": (1, 0, "root:1", "auto"),
    "queue2": (2, 0, "root:2", "auto"),
}
RUNJOB_LINE = re.compile(r'"GET /queue_job/runjob\?[^"]*" 200 - (\d+) ([\d.]+) ([\d.]+)')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file (the harness's)")
    parser.add_argument("--db", default="atlas_bench_queue", help="snapshot database (default: %(default)s)")
    parser.add_argument("--log-dir", required=True, help="where the servers' logs go")
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated (default: %(default)s)")
    parser.add_argument("--chunk-size", type=int, default=100, help="contracts per chunk (default: %(default)s)")
    parser.add_argument(
        "--contracts", type=int, help="invoice only the first N contracts of the snapshot (default: all of them)"
    )
    return parser.parse_args()


def sql(database, query, params=(), autocommit=False):
    conn = psycopg2.connect(dbname=database)
    conn.autocommit = autocommit
    try:
        with conn.cursor() as cr:
            cr.execute(query, params)
            rows = cr.fetchall() if cr.description else []
        conn.commit()
        return rows
    finally:
        conn.close()


def filestore(config, database):
    parser = configparser.ConfigParser()
    parser.read(config)
    return Path(parser["options"]["data_dir"]) / "filestore" / database


def copy_database(config, snapshot, copy):
    drop_database(config, copy)
    sql("postgres", f'CREATE DATABASE "{copy}" TEMPLATE "{snapshot}"', autocommit=True)
    if filestore(config, snapshot).is_dir():
        shutil.copytree(filestore(config, snapshot), filestore(config, copy))


def drop_database(config, database):
    sql("postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', autocommit=True)
    shutil.rmtree(filestore(config, database), ignore_errors=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, database, path, log_file):
    workers, cron_threads, channels, _dispatch = PATHS[path]
    port = free_port()
    config = configparser.ConfigParser()
    config.read(args.config)
    config["options"]["db_name"] = database
    if channels:
        config["options"]["server_wide_modules"] = "base,web,queue_job"
        config["queue_job"] = {"channels": channels, "host": "127.0.0.1", "port": str(port)}
    conf_file = Path(args.log_dir) / f"{path}.conf"
    with open(conf_file, "w") as file:
        config.write(file)
    cmd = [
        sys.executable,
        str(ODOO_BIN),
        "-c",
        str(conf_file),
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--gevent-port=0",
        f"--workers={workers}",
        f"--max-cron-threads={cron_threads}",
        # The cron path runs the whole batch in one cron call.
        "--limit-time-cpu=3600",
        "--limit-time-real=3600",
        "--log-level=info",
        f"--logfile={log_file}",
    ]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"the Odoo server did not start; see {log_file}")
            time.sleep(0.5)


def stop_server(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_runner(database):
    deadline = time.monotonic() + 60
    while not sql(
        database,
        "SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND l.granted AND d.datname = %s",
        (database,),
    ):
        if time.monotonic() > deadline:
            sys.exit("the job runner did not start")
        time.sleep(0.5)


def cpu_seconds(pid):
    """CPU time of a process and of its children, those still running and those that ended."""
    process = psutil.Process(pid)
    times = process.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            times = child.cpu_times()
            total += times.user + times.system
    return total


def postmaster_pid(database):
    [(backend,)] = sql(database, "SELECT pg_backend_pid()")
    return psutil.Process(backend).ppid()


def active_ms(database):
    return sql("postgres", "SELECT active_time FROM pg_stat_database WHERE datname = %s", (database,))[0][0]


def run_path(args, path):
    database = f"{args.db}_run"
    copy_database(args.config, args.db, database)
    log_file = Path(args.log_dir) / f"{path}.log"
    log_file.unlink(missing_ok=True)
    _workers, _cron, channels, dispatch = PATHS[path]
    sql(
        database,
        "INSERT INTO ir_config_parameter (key, value) VALUES ('atlas_invoicing_queue.dispatch', %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        (dispatch,),
    )
    # Only the batch runs: other scheduled jobs (OCA contract's own invoicing cron among them)
    # would compete with it for the contracts and the workers.
    sql(
        database,
        "UPDATE ir_cron SET active = (id = (SELECT res_id FROM ir_model_data "
        "WHERE module = 'atlas_invoicing' AND name = 'ir_cron_atlas_invoice_batch'))",
    )
    if args.contracts:
        # The others are archived: neither path sees them.
        sql(
            database,
            "UPDATE contract_contract SET active = false WHERE contract_type = 'sale' AND id NOT IN "
            "(SELECT id FROM contract_contract WHERE contract_type = 'sale' ORDER BY id LIMIT %s)",
            (args.contracts,),
        )
    [(date, contracts)] = sql(
        database,
        "SELECT min(recurring_next_date), count(*) FROM contract_contract "
        "WHERE active AND contract_type = 'sale' AND recurring_next_date IS NOT NULL",
    )
    process, url = start_server(args, database, path, log_file)
    try:
        if channels:
            wait_for_runner(database)
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
        uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(database, "admin", "admin", {})
        batch_id = models.execute_kw(
            database,
            uid,
            "admin",
            "atlas.invoice.batch",
            "create",
            [
                {
                    "name": f"Bench {path}",
                    "date": str(date),
                    "contract_domain": "[]",
                    "post_invoices": True,
                    "chunk_size": args.chunk_size,
                }
            ],
        )
        time.sleep(11)  # PostgreSQL reports a backend's active time once it has been idle a while
        pg_before = active_ms(database)
        postmaster = postmaster_pid(database)
        cpu_before = cpu_seconds(process.pid), cpu_seconds(postmaster)
        started = time.monotonic()
        models.execute_kw(database, uid, "admin", "atlas.invoice.batch", "action_generate", [[batch_id]])
        while sql(database, "SELECT state FROM atlas_invoice_batch WHERE id = %s", (batch_id,))[0][0] == "running":
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        odoo_cpu = cpu_seconds(process.pid) - cpu_before[0]
        pg_cpu = cpu_seconds(postmaster) - cpu_before[1]
        time.sleep(11)
        pg_ms = active_ms(database) - pg_before
    finally:
        stop_server(process)
    [(invoices, posted, pairs)] = sql(
        database,
        "SELECT count(*), count(*) FILTER (WHERE state = 'posted'), "
        "count(DISTINCT (atlas_contract_id, atlas_period_start)) FROM account_move WHERE atlas_batch_id = %s",
        (batch_id,),
    )
    drop_database(args.config, database)
    assert invoices == posted == pairs == contracts, (path, contracts, invoices, posted, pairs)
    jobs = [tuple(map(float, m.groups())) for m in RUNJOB_LINE.finditer(log_file.read_text(errors="replace"))]
    if jobs:
        job_sql = sum(job[1] for job in jobs)
        busy = job_sql + sum(job[2] for job in jobs)
    else:
        job_sql, busy = None, elapsed  # one cron worker, busy from start to end
    return {
        "path": path,
        "invoices": invoices,
        "seconds": elapsed,
        "rate": invoices / elapsed,
        "pg_ms": pg_ms / invoices,
        "busy_ms": 1000 * busy / invoices,
        "odoo_sql_ms": 1000 * job_sql / invoices if job_sql is not None else None,
        "jobs": len(jobs),
        "odoo_cpu_ms": 1000 * odoo_cpu / invoices,
        "pg_cpu_ms": 1000 * pg_cpu / invoices,
        "load": os.getloadavg()[0],
    }


def main():
    args = parse_args()
    Path(args.log_dir).mkdir(parents=True, exist_ok=True)
    results = []
    for path in args.paths.split(","):
        result = run_path(args, path)
        results.append(result)
        print(
            f"{path:7} {result['invoices']} invoices in {result['seconds']:.1f} s: {result['rate']:.1f} invoices/s; "
            f"PostgreSQL {result['pg_ms']:.1f} ms/invoice of {result['busy_ms']:.1f} ms Odoo busy time/invoice "
            f"({100 * result['pg_ms'] / result['busy_ms']:.0f} %); CPU: Odoo {result['odoo_cpu_ms']:.1f} ms/invoice, "
            f"PostgreSQL {result['pg_cpu_ms']:.1f} ms/invoice; job requests {result['jobs']}; "
            f"load {result['load']:.1f}",
            flush=True,
        )
    cron = next((r for r in results if r["path"] == "cron"), None)
    print(
        "\npath     invoices/s  ratio to cron  CPU ms/invoice: Odoo  PostgreSQL  PostgreSQL share"
        "  |  PostgreSQL active ms/invoice"
    )
    for result in results:
        ratio = f"{result['rate'] / cron['rate']:.2f}" if cron else "-"
        share = 100 * result["pg_cpu_ms"] / (result["pg_cpu_ms"] + result["odoo_cpu_ms"])
        print(
            f"{result['path']:8} {result['rate']:10.1f}  {ratio:>13}  {result['odoo_cpu_ms']:19.1f}  "
            f"{result['pg_cpu_ms']:10.1f}  {share:15.0f} %  |  {result['pg_ms']:28.1f}"
        )


if __name__ == "__main__":
    main()
