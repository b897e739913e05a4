"""End-to-end fixtures: a real Odoo server on a free local port, driven over XML-RPC.

scripts/test.sh installs the addon once into a template database and exports:
  ATLAS_ODOO_CONFIG   the Odoo configuration file for the harness's PostgreSQL cluster
  ATLAS_TEMPLATE_DB   the database where the addon was just installed (never modified)
  ATLAS_LOG_DIR       where server logs go
Each test module that needs a database of its own clones the template (CREATE DATABASE
... TEMPLATE), which takes a second instead of a fresh install.
"""

import configparser
import contextlib
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import xmlrpc.client
from collections import Counter
from pathlib import Path

import psutil
import psycopg2
import pytest
from aiosmtpd.controller import Controller
from chromium import SHOTS, Chromium

ODOO_PATH = Path(os.environ.get("ODOO_PATH", "/opt/odoo18"))


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run the end-to-end tests through scripts/test.sh", 2)
    return value


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _psql(sql):
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", sql],
        check=True,
        capture_output=True,
    )


def _filestore(db):
    config = configparser.ConfigParser()
    config.read(_env("ATLAS_ODOO_CONFIG"))
    return Path(config["options"]["data_dir"]) / "filestore" / db


def clone_database(name):
    """Copy the template database and its filestore (attachments live on disk)."""
    template = _env("ATLAS_TEMPLATE_DB")
    drop_database(name)
    _psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    if _filestore(template).is_dir():
        shutil.copytree(_filestore(template), _filestore(name))
    return name


def drop_database(name):
    # FORCE terminates the database's sessions, but PostgreSQL refuses ("must be a member of
    # the role whose process is being terminated") while a session is still authenticating,
    # e.g. a surviving server's job runner or worker reconnecting: try again once it is in.
    for attempt in range(10):
        try:
            _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            break
        except subprocess.CalledProcessError as error:
            if attempt == 9 or b"must be a member of the role" not in error.stderr:
                raise
            time.sleep(1)
    shutil.rmtree(_filestore(name), ignore_errors=True)


class OdooServer:
    """A running Odoo HTTP server and helpers to call it over XML-RPC."""

    def __init__(self, port, log_file):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_file = log_file

    def common(self):
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)

    def models(self):
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)

    def login(self, db, login, password):
        uid = self.common().authenticate(db, login, password, {})
        assert uid, f"{login} could not log in to {db}"
        return Client(self, db, uid, password)

    def log_lines(self, levels=("ERROR", "CRITICAL")):
        text = Path(self.log_file).read_text(errors="replace")
        return [line for line in text.splitlines() if any(f" {lvl} " in line for lvl in levels)]


class Client:
    """One user's XML-RPC session: execute_kw with the credentials filled in."""

    def __init__(self, server, db, uid, password):
        self.server, self.db, self.uid, self.password = server, db, uid, password
        self._models = server.models()

    def call(self, model, method, /, *args, **kwargs):
        return self._models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], fields=["res_id"]
        )
        assert rows, f"no record {xmlid}"
        return rows[0]["res_id"]


class SmtpSink:
    """aiosmtpd handler keeping every message it receives, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append({"to": envelope.rcpt_tos, "from": envelope.mail_from, "message": message})
        return "250 Message accepted for delivery"

    def find(self, subject, to=None):
        """Messages with this subject (and these recipients). The sink serves every test
        database of the session, where invoice numbers repeat: the recipient tells them apart."""
        return [m for m in self.messages if m["message"]["Subject"] == subject and (to is None or m["to"] == to)]


class LocalSmtpServer:
    """A real SMTP server on 127.0.0.1 that the tests can take down and bring back."""

    def __init__(self):
        self.port = _free_port()
        self.sink = SmtpSink()
        self.controller = None

    def start(self):
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


def create_user(admin, login, *group_xmlids):
    """An internal user with these groups; its password is '<login>-pw-2026'."""
    group_ids = [admin.ref("base.group_user")] + [admin.ref(x) for x in group_xmlids]
    return admin.call(
        "res.users",
        "create",
        {
            "name": login.title(),
            "login": login,
            "password": f"{login}-pw-2026",
            "email": f"{login}@example.com",
            "groups_id": [(6, 0, group_ids)],
        },
    )


def company_bank_journal(admin):
    """The main company's bank journal (the demo's Business Checking), as
    {"id", "name", "default_account_id": [id, name]}: where the tests deposit payments and
    import statements."""
    return admin.call(
        "account.journal",
        "search_read",
        [("type", "=", "bank"), ("company_id", "=", admin.ref("base.main_company"))],
        fields=["name", "default_account_id"],
        limit=1,
    )[0]


def create_invoice(client, partner_id, lines, **values):
    """A draft customer invoice made over XML-RPC by ``client`` (its rights apply).

    ``lines`` are the invoice lines' values (name, account_id, quantity, price_unit,
    tax_ids...), one dict each; ``values`` are more fields of the invoice (invoice_date...).
    """
    return client.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            **values,
            "invoice_line_ids": [(0, 0, line) for line in lines],
        },
    )


@pytest.fixture(scope="session")
def smtp_server():
    server = LocalSmtpServer()
    server.start()
    yield server
    server.stop()


def start_odoo(log_file, smtp_port, env=None, config=None, port=None, args=(), new_session=False):
    """Start odoo-bin on a free port; return (process, OdooServer) once it answers.

    ``config`` replaces the harness's configuration file, ``args`` are more command-line
    options (later ones win: ``--workers=2``), and ``new_session`` makes the server the leader
    of a process group of its own, so that killing the group kills it with its workers.
    """
    config = config or _env("ATLAS_ODOO_CONFIG")
    port = port or _free_port()
    cmd = [
        sys.executable,
        str(ODOO_PATH / "odoo-bin"),
        "-c",
        config,
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--gevent-port=0",
        "--workers=0",
        "--max-cron-threads=0",
        "--db-filter=^atlas_e2e_",
        "--smtp=127.0.0.1",
        f"--smtp-port={smtp_port}",
        f"--logfile={log_file}",
        *args,
    ]
    process = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env, start_new_session=new_session
    )
    server = OdooServer(port, log_file)
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            pytest.exit(f"Odoo server exited with {process.returncode}; see {log_file}", 3)
        try:
            server.common().version()
            return process, server
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.exit(f"Odoo server did not answer on port {port}; see {log_file}", 3)
            time.sleep(0.5)


def stop_odoo(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def odoo_server(smtp_server):
    log_dir = Path(_env("ATLAS_LOG_DIR"))
    log_dir.mkdir(parents=True, exist_ok=True)
    process, server = start_odoo(log_dir / "e2e-server.log", smtp_server.port)
    yield server
    stop_odoo(process)


@pytest.fixture(scope="module")
def database():
    """A database of the module's own, cloned from the freshly installed template."""
    name = clone_database(f"atlas_e2e_{uuid.uuid4().hex[:8]}")
    yield name
    drop_database(name)


@pytest.fixture(scope="module")
def admin(odoo_server, database):
    client = odoo_server.login(database, "admin", "admin")
    # wkhtmltopdf fetches the report's CSS from this URL: the server under test.
    client.call("ir.config_parameter", "set_param", "report.url", odoo_server.url)
    return client


# --- Several Odoo servers on one database, queue_job's job runner on one of them ----------


class LoadBalancer:
    """A round-robin TCP proxy on 127.0.0.1, in front of the Odoo servers as a load balancer
    is in front of several machines: each connection goes to the next server, and to the one
    after it when that one refuses (a server that died)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.backends = []
        self.connections = Counter()
        self._next = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self, backend_ports):
        self.backends = list(backend_ports)
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()

    def _serve(self):
        while not self._stop.is_set():
            try:
                client, _address = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client):
        for _try in range(len(self.backends)):
            port = self.backends[self._next % len(self.backends)]
            self._next += 1
            try:
                backend = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except OSError:
                continue
        else:
            client.close()
            return
        backend.settimeout(None)
        self.connections[port] += 1
        threading.Thread(target=self._pump, args=(backend, client), daemon=True).start()
        self._pump(client, backend)

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def queue_job_config(path, database, runner, job_host, job_port, channels="root:4", **queue_job):
    """The harness's Odoo configuration for one server of a multi-server deployment: queue_job
    loaded server-wide, one database, and queue_job's section. The job runner runs where
    ``runner`` is true, and calls the jobs through ``job_host:job_port`` (the load balancer)."""
    config = configparser.ConfigParser()
    config.read(_env("ATLAS_ODOO_CONFIG"))
    config["options"]["server_wide_modules"] = "base,web,queue_job"
    config["options"]["db_name"] = database
    config["queue_job"] = {
        "channels": channels if runner else "root:0",
        "host": job_host,
        "port": str(job_port),
        **queue_job,
    }
    with open(path, "w") as file:
        config.write(file)
    return path


def sql_rows(database, query, params=()):
    """The rows of a query on a test database, read as PostgreSQL holds them (not through a
    server: what the servers under test committed)."""
    with psycopg2.connect(dbname=database) as conn, conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall()


def statement_csv_mapping(name, **columns):
    """The values of a CSV statement mapping (OCA's account.statement.import.sheet.mapping) for
    the layout the tests' bank files use: Date, Description, Reference, Payer, Amount, plus
    ``columns`` (e.g. ``balance_column="Balance"``); ISO dates, a dot for decimals."""
    return {
        "name": name,
        "float_thousands_sep": "none",
        "float_decimal_sep": "dot",
        "delimiter": "comma",
        "timestamp_format": "%Y-%m-%d",
        "timestamp_column": "Date",
        "amount_column": "Amount",
        "description_column": "Description",
        "reference_column": "Reference",
        "partner_name_column": "Payer",
        **columns,
    }


class QueueCluster:
    """Two Odoo servers (``--workers 2`` each) on one database behind a load balancer; the first
    runs queue_job's job runner."""

    def __init__(self, database, smtp_port, log_dir):
        self.database, self.smtp_port, self.log_dir = database, smtp_port, Path(log_dir)
        self.balancer = LoadBalancer()
        self.processes, self.servers = [], []

    def start(self):
        ports = [_free_port(), _free_port()]
        for number, port in enumerate(ports):
            name = "runner" if number == 0 else "worker"
            config = queue_job_config(
                self.log_dir / f"e2e-queue-{name}.conf",
                self.database,
                runner=number == 0,
                job_host="127.0.0.1",
                job_port=self.balancer.port,
            )
            process, server = start_odoo(
                self.log_dir / f"e2e-queue-{name}.log",
                self.smtp_port,
                config=config,
                port=port,
                args=("--workers=2", "--max-cron-threads=0", "--log-level=info", "--limit-time-real=600"),
                new_session=True,
            )
            self.processes.append(process)
            self.servers.append(server)
        self.balancer.start(ports)
        return self

    def wait_for_runner(self, timeout=60):
        """Until the job runner holds its lock on the database (it starts a few seconds after
        its server)."""
        deadline = time.monotonic() + timeout
        while not sql_rows(
            self.database,
            "SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND l.granted AND d.datname = %s",
            (self.database,),
        ):
            assert time.monotonic() < deadline, "the job runner did not start"
            time.sleep(0.5)

    def kill(self, number):
        """SIGKILL a server and its workers at once, as when its machine goes down."""
        process = self.processes[number]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def worker_pids(self, number):
        """The server's processes (its workers change when they are recycled: ask while it runs)."""
        try:
            parent = psutil.Process(self.processes[number].pid)
            return {parent.pid} | {child.pid for child in parent.children(recursive=True)}
        except psutil.NoSuchProcess:
            return set()

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        self.balancer.stop()


@pytest.fixture(scope="module")
def queue_cluster(smtp_server):
    """Two Odoo servers on a database of the module's own, with queue_job's job runner."""
    log_dir = Path(_env("ATLAS_LOG_DIR"))
    log_dir.mkdir(parents=True, exist_ok=True)
    database = clone_database(f"atlas_e2e_queue_{uuid.uuid4().hex[:8]}")
    cluster = QueueCluster(database, smtp_server.port, log_dir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()
        drop_database(database)


# --- Screenshots: where they go, and the headless browser that takes them ----------------


@pytest.fixture(scope="module")
def shots_dir():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture(scope="module")
def browser():
    with Chromium() as chromium:
        yield chromium
