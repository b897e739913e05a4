"""What every benchmark of bench/ measures and prints the same way.

- starting Odoo from a configuration file (no cron thread) and the run's header line;
- ``request``: one emulated request (new cursor, empty caches, rolled back), and
  ``next_request``: the next request on the same database transaction;
- ``Measure``: wall time, CPU time and queries of a timed block; ``Phases``: the same plus
  the peak RSS, step after step of one run;
- ``maybe_profile``/``write_profile``: the cProfile switch (--profile);
- ``vacuum``, ``load_average`` and ``print_round``, the line printed after each round.

The scripts import it as ``benchlib`` (bench/ is their own folder, first on sys.path).
"""

import cProfile
import datetime
import io
import os
import platform
import pstats
import resource
import threading
import time
from contextlib import contextmanager

import odoo
from odoo import api

# --------------------------------------------------------------------------------------
# Odoo, the header
# --------------------------------------------------------------------------------------


def start_odoo(config, log_level, logfile=None):
    """Odoo's configuration as odoo-bin would read it, without cron threads."""
    odoo_args = ["-c", config, f"--log-level={log_level}", "--max-cron-threads=0"]
    if logfile:
        odoo_args.append(f"--logfile={logfile}")
    odoo.tools.config.parse_config(odoo_args)


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def print_header(title, extra=""):
    """The run's first line: what, when, where, on which versions, and the machine's load."""
    print(
        f"{title} — {datetime.datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, "
        f"{os.cpu_count()} CPU(s), Python {platform.python_version()}, Odoo {odoo.release.version}; "
        f"{extra}load average {load_average()}",
        flush=True,
    )


def print_round(rnd, warmup, label, figures, width=8):
    """One round's line: ``  round 2 atlas    <figures>; load 1.02 0.98 0.90)``.

    ``figures`` opens the parenthesis this line closes after the load average."""
    print(f"  {'warm-up' if warmup else f'round {rnd}'} {label:<{width}} {figures}; load {load_average()})", flush=True)


# --------------------------------------------------------------------------------------
# Requests and the database
# --------------------------------------------------------------------------------------


@contextmanager
def request(registry):
    """One emulated request as the admin user: a new cursor, a new environment (empty
    caches), everything rolled back at the end."""
    threading.current_thread().dbname = registry.db_name
    cr = registry.cursor()
    try:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        yield api.Environment(cr, admin.id, {"lang": admin.lang or "en_US", "tz": admin.tz or "UTC"})
    finally:
        cr.rollback()
        cr.close()


def next_request(env):
    """End a request as its commit would, and start the next one as a new request would.

    The commit part: flush, then run the pre-commit hooks (mail tracking messages, ...), which
    a flush alone leaves pending. The new request: a new ORM transaction object (empty cache,
    no environments) on the same database transaction. Without it, environments pile up in
    the one ORM transaction (mail tracking data keeps their records alive) and every
    ``Environment(...)`` and ``with_context`` scans them all, so a round grows quadratic.
    """
    env.cr.flush()
    env.cr.transaction = None  # the next Environment gets a new api.Transaction
    return api.Environment(env.cr, env.uid, env.context)


def vacuum(dbname):
    """VACUUM ANALYZE before each round: rolled-back rounds leave dead rows behind."""
    import psycopg2

    _db, info = odoo.sql_db.connection_info_for(dbname)
    cnx = psycopg2.connect(**info)
    try:
        cnx.autocommit = True
        with cnx.cursor() as cr:
            cr.execute("VACUUM ANALYZE")  # the warnings about shared catalogs stay in cnx.notices
    finally:
        cnx.close()


# --------------------------------------------------------------------------------------
# Time, CPU, queries, memory
# --------------------------------------------------------------------------------------


class Measure:
    """Wall time, this process's CPU time and the queries of one timed block."""

    def __init__(self, cr):
        self.cr = cr
        self.seconds = self.cpu_seconds = 0.0
        self.queries = 0

    @staticmethod
    def _cpu_now():
        return time.process_time()

    def __enter__(self):
        self._queries = self.cr.sql_log_count
        self._cpu = self._cpu_now()
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = self._cpu_now() - self._cpu
        self.queries = self.cr.sql_log_count - self._queries
        return False


def proc_status(key):
    """A VmXXX line of /proc/self/status, in MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(key)


def reset_peak_rss():
    """Reset the process's peak RSS (VmHWM) to its current RSS (Linux, since 4.0)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def peak_rss_mb():
    """The process's peak RSS since it started, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Phases:
    """Wall time, CPU time, queries (all cursors) and peak RSS of the steps of one run."""

    def __init__(self):
        self.steps = {}
        self._start()

    def _start(self):
        reset_peak_rss()
        self._wall, self._cpu, self._queries = time.perf_counter(), cpu_seconds(), odoo.sql_db.sql_counter

    def mark(self, name):
        self.steps[name] = {
            "seconds": time.perf_counter() - self._wall,
            "cpu_seconds": cpu_seconds() - self._cpu,
            "queries": odoo.sql_db.sql_counter - self._queries,
            "rss_peak_mib": proc_status("VmHWM"),
        }
        self._start()


# --------------------------------------------------------------------------------------
# The profiler switch
# --------------------------------------------------------------------------------------


def write_profile(profiler, path, top=40):
    """The profile as ``path`` (.prof) and its ``top`` functions by cumulative time (.txt)."""
    profiler.dump_stats(path)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    with open(os.path.splitext(path)[0] + ".txt", "w") as f:
        f.write(out.getvalue())


@contextmanager
def maybe_profile(directory, name, enabled, top=40):
    """Profile the block into ``directory``/``name``.prof when a directory is given and
    ``enabled`` (the scripts profile only the last round)."""
    if not (directory and enabled):
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"{name}.prof")
        write_profile(profiler, path, top)
        print(f"  profile written: {path} (top functions in {name}.txt)")
