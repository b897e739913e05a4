"""End-to-end fixtures: a real Odoo server on a free local port, driven over XML-RPC.

scripts/test.sh installs the addon once into a template database and exports:
  ATLAS_ODOO_CONFIG   the Odoo configuration file for the harness's PostgreSQL cluster
  ATLAS_TEMPLATE_DB   the database where the addon was just installed (never modified)
  ATLAS_LOG_DIR       where server logs go
Each test module that needs a database of its own clones the template (CREATE DATABASE
... TEMPLATE), which takes a second instead of a fresh install.
"""

import configparser
import email
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
import xmlrpc.client
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

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
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
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


def start_odoo(log_file, smtp_port, env=None):
    """Start odoo-bin on a free port; return (process, OdooServer) once it answers."""
    config = _env("ATLAS_ODOO_CONFIG")
    port = _free_port()
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
    ]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
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
