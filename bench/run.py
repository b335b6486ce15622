"""Measure SPEC §7's budgets: pages served by one gunicorn sync worker, the planner, mail delivery, memory.

Settings (environment): ``BENCH_SCALE`` small|national (default small), ``BENCH_OUT`` the JSON file to write,
``TRACKER_BENCH_DATABASE_URL`` a database to use instead of ``instance/bench-<scale>-sqlite/tracker.db`` (PostgreSQL,
or SQLite elsewhere), ``BENCH_INSTANCE_DIR`` the folder holding that database's ``demo-admin.txt`` (default
``instance/bench-<scale>-<database>/``), ``BENCH_REQUESTS`` timed requests per page (default 200).
The data is loaded once (``tracker demo-data``, one transaction: a database with visits is complete) and reused: an
already loaded database is migrated to head and measured as it is, signed in with the demo admin's password from
``demo-admin.txt``. A page whose first response takes more than ``SLOW_MS`` (bench/serving.py) is timed
``SLOW_REQUESTS`` times only (marked in the table), so that a slow page costs a minute rather than an hour.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from urllib.parse import urlencode

from bench.machine import SpeedProbe, slowdown
from bench.serving import Client, served

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BUDGET_MS = 50
#: Timed requests per page after the warm-up: enough for a p95 that two stray slow responses (another process
#: taking the CPU) do not decide, as they did the third slowest of 50.
REQUESTS = 200
SCALES = ("small", "national")
#: The page's SQL is replayed this many times, or until REPLAY_SECONDS have gone (at least once).
REPLAYS = 20
REPLAY_SECONDS = 5
MAILS = 2000
#: Requests per page timed right after a change to what the kept figures read (``after_a_change``).
CHANGED_REQUESTS = 40


def settings() -> tuple[str, Path, dict[str, str]]:
    scale = os.environ.get("BENCH_SCALE") or "small"
    if scale not in SCALES:
        sys.exit(f"BENCH_SCALE must be one of {', '.join(SCALES)}, not {scale!r}")
    url = os.environ.get("TRACKER_BENCH_DATABASE_URL")
    database = "sqlite" if not url or url.startswith("sqlite") else "postgresql"
    instance = Path(os.environ.get("BENCH_INSTANCE_DIR") or PROJECT / "instance" / f"bench-{scale}-{database}")
    env = {
        "TRACKER_INSTANCE_DIR": str(instance),
        "TRACKER_DATABASE_URL": url or f"sqlite:///{instance / 'tracker.db'}",
        "TRACKER_SCHEDULER": "off",
        "TRACKER_BENCH": "1",
    }
    return scale, Path(os.environ.get("BENCH_OUT") or instance / "bench.json"), env


def ensure_data(scale: str, env: dict[str, str]) -> str:
    """Migrate the database to head and load the data unless a previous run did; return the demo admin's password."""
    admin_file = Path(env["TRACKER_INSTANCE_DIR"]) / "demo-admin.txt"
    full_env = os.environ | env
    started = time.monotonic()
    subprocess.run([BIN / "tracker", "db", "upgrade"], env=full_env, check=True, capture_output=True)
    print(f"Database at the migrations' head ({time.monotonic() - started:.0f} s).", flush=True)
    if not admin_file.exists():
        started = time.monotonic()
        loaded = subprocess.run([BIN / "tracker", "demo-data", "--scale", scale], env=full_env)
        if loaded.returncode:
            sys.exit(f"No data loaded. A database loaded before needs BENCH_INSTANCE_DIR set to the folder of its "
                     f"demo-admin.txt (looked for {admin_file}).")  # fmt: skip
        print(f"Data loaded in {time.monotonic() - started:.0f} s.")
    match = re.search(r"Demo admin: (\S+) / (\S+)", admin_file.read_text())
    if not match:
        sys.exit(f"{admin_file} has no demo admin sign-in: delete the bench database and its folder to reload.")
    return match.group(2)


def upgrade_admin_hash(email: str, password: str) -> None:
    """Remake the demo admin's hash if it was made with other Argon2 settings, as the next sign-in would: the
    worker's memory is then that of every later sign-in, not of the one that upgrades an old hash."""
    from sqlalchemy import select

    from tracker.auth.passwords import hash_password, needs_rehash
    from tracker.extensions import db
    from tracker.models import User

    user = db.session.scalar(select(User).where(User.email == email))
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
        print("The demo admin's password hash was remade with the current Argon2 settings.")


def percentile(times: list[float], share: float) -> float:
    return round(statistics.quantiles(times, n=100, method="inclusive")[int(share * 100) - 1], 1)


def pages_to_measure() -> tuple[dict[str, str], str]:
    """Every staff page kind, filtered and not, on records of a recent visit; and a delegate's email."""
    from sqlalchemy import select

    from tracker.clock import today
    from tracker.extensions import db
    from tracker.models import Country, Delegate, Delegation, InfoRequest, User, Visit

    visit_id, year = db.session.execute(
        select(Visit.id, Visit.starts_on).where(Visit.starts_on < today()).order_by(Visit.starts_on.desc()).limit(1)
    ).one()
    delegation_id, country_id = db.session.execute(
        select(Delegation.id, Delegation.country_id).where(Delegation.visit_id == visit_id).limit(1)
    ).one()
    request_id = db.session.scalar(select(InfoRequest.id).where(InfoRequest.delegation_id == delegation_id).limit(1))
    country = db.session.scalar(select(Country.name).where(Country.id == country_id))
    email = db.session.scalar(select(Delegate.email).where(Delegate.delegation_id == delegation_id).limit(1))
    liaison = db.session.scalar(select(Delegation.liaison_id).where(Delegation.id == delegation_id))
    assert db.session.get(User, liaison) is not None
    year = year.year
    pages = {
        "dashboard": "/",
        "visits": "/visits/",
        "visits filtered": f"/visits/?q=exchange&year={year}",
        "delegations": "/delegations/",
        "delegations filtered": "/delegations/?status=active&tier=tier_2",
        "delegations by region": "/delegations/?status=closed&region=europe",
        "requests": "/requests/",
        "requests filtered": "/requests/?status=&kind=data&q=law",
        "materials": "/materials/",
        "materials filtered": "/materials/?q=law",
        "follow-ups": "/follow-ups",
        "follow-ups filtered": f"/follow-ups?liaison={liaison}",
        "mail log": "/admin/mail",
        "mail log filtered": "/admin/mail?status=sent",
        "countries": "/countries/",
        "countries filtered": f"/countries/?region=europe&year={year}",
        "tier movement": "/countries/tiers",
        "visit": f"/visits/{visit_id}",
        "delegation": f"/delegations/{delegation_id}",
        "request": f"/requests/{request_id}",
        "country": f"/countries/{country_id}",
        "health": "/health/",
        "search common word": "/search?q=exchange",
        "search rare word": "/search?" + urlencode({"q": country}),
        "portal home": "/portal/",
    }
    return pages, email


def raw_sql_ms(statements: list) -> float:
    """The page's statements replayed through the DB-API (fetching every row), median of ``REPLAYS`` runs."""
    from tracker.extensions import db

    connection = db.engine.raw_connection()
    times: list[float] = []
    try:
        while len(times) < REPLAYS and sum(times) < REPLAY_SECONDS * 1000:
            cursor = connection.cursor()
            started = time.perf_counter()
            for statement, parameters, many in statements:
                if many:
                    cursor.executemany(statement, parameters)
                else:
                    cursor.execute(statement, parameters)
                if cursor.description:
                    cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
            cursor.close()
            connection.rollback()
    finally:
        connection.close()
    return round(statistics.median(times), 2)


def after_a_change(client: Client, path: str, count: int) -> list[float]:
    """The page's first view after a change to what its kept figures read (tracker/health/summary_version.py): the
    summary's version is replaced before each request, so that the worker works them out again, as after an edit."""
    from tracker.extensions import db
    from tracker.health.summary_version import replace_version

    times = []
    for _ in range(count):
        with db.engine.begin() as connection:
            replace_version(connection)
        elapsed, _response = client.timed_get(path)
        times.append(elapsed)
    return times


def portal_link(email: str) -> str:
    from tracker.extensions import db
    from tracker.models import LinkPurpose
    from tracker.portal.identity import issue_link

    token, _link = issue_link(email, LinkPurpose.HANDOVER, datetime.now(UTC))
    db.session.commit()
    return f"/portal/link/{token}"


def measure_pages(password: str, env: dict[str, str]) -> tuple[dict, float]:
    from tracker.demo.people import ADMIN_EMAIL

    pages, email = pages_to_measure()
    count = int(os.environ.get("BENCH_REQUESTS") or REQUESTS)
    results, windows = {}, {}
    with SpeedProbe() as probe, served("wsgi:app", env, 8771) as worker:  # as deployed (README: gunicorn wsgi:app)
        staff, portal = Client("http://127.0.0.1:8771"), Client("http://127.0.0.1:8771")
        staff.post_form("/login", {"email": ADMIN_EMAIL, "password": password})
        portal.post_form(portal_link(email), {})
        for name, path in pages.items():
            client = portal if name.startswith("portal") else staff
            started = time.monotonic()
            times, queries = client.timings(path, count)
            windows[name] = (started, time.monotonic())
            _response, body = client.get(path, **{"X-Bench-Statements": "1"})
            changed = after_a_change(client, path, min(count, CHANGED_REQUESTS))
            results[name] = {
                "path": path,
                "requests": len(times),
                "p50_ms": percentile(times, 0.5),
                "p95_ms": percentile(times, 0.95),
                "changed_p50_ms": percentile(changed, 0.5),
                "changed_p95_ms": percentile(changed, 0.95),
                "queries": queries,
                "raw_sql_ms": raw_sql_ms(pickle.loads(body)),  # our own server on loopback
                # The worker's peak so far: the page where it jumps is the one that needed the memory.
                "rss_mb_after": round(_peak_resident_kib(worker) / 1024, 1),
            }
            print(f"  {name}: p95 {results[name]['p95_ms']} ms over {len(times)} requests, worker's peak memory "
                  f"{results[name]['rss_mb_after']} MB", flush=True)  # fmt: skip
        rss_mb = round(_peak_resident_kib(worker) / 1024, 1)
    with served("bench.hello:app", {}, 8772):
        hello, _queries = Client("http://127.0.0.1:8772").timings("/", count)
    for name, figures in results.items():
        figures["hello_p95_ms"] = percentile(hello, 0.95)
        figures["machine_slowdown"] = slowdown(probe.samples, *windows[name])
    return results, rss_mb


def _peak_resident_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def working_moment(now: datetime, zone: str) -> datetime:
    """10:00 in the centre's zone on the latest weekday: when the staff are at work, so that the planner works out
    their reminders (outside their hours it holds them and has almost nothing to do), whenever the benchmark runs."""
    from zoneinfo import ZoneInfo

    day = now.astimezone(ZoneInfo(zone)).date()
    day -= timedelta(days=max(day.weekday() - 4, 0))
    return datetime.combine(day, dt_time(10), ZoneInfo(zone)).astimezone(UTC)


def measure_planner(app) -> dict:
    """A dry pass of the planner at ``working_moment``: it works out all that a real pass would, and writes nothing.
    The moment, the mails it would queue and the people it holds are in the JSON."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import InfoRequest
    from tracker.reminders.planner import plan

    requests = db.session.scalar(select(func.count(InfoRequest.id)))
    moment = working_moment(datetime.now(UTC), app.config["TIMEZONE"])
    started = time.perf_counter()
    report = plan(moment, dry_run=True)
    seconds = time.perf_counter() - started
    db.session.rollback()
    return {"plan_seconds": round(seconds, 2), "plan_requests": requests, "plan_at": moment.isoformat(),
            "plan_mails": len(report.planned), "plan_held": report.held}


def measure_mail(app) -> float:
    """``MAILS`` follow-up reminders queued as the planner queues them (drafts) and sent through the real delivery
    path, which renders each, to an SMTP server on loopback."""
    import sqlalchemy as sa

    from tests.smtp import SMTPServer
    from tracker.extensions import db
    from tracker.models import MessageKind, OutboxMessage
    from tracker.reminders.delivery import deliver
    from tracker.reminders.mails import follow_up_reminder
    from tracker.reminders.outbox import outbox_row

    server = SMTPServer()
    server.start()
    app.config["MAIL_URL"] = server.url
    run = f"bench-{time.time_ns()}"
    now = datetime.now(UTC)
    rows = [
        outbox_row(
            key=f"{run}:{n}", kind=MessageKind.FOLLOW_UP, to=f"someone{n}@centre.example", now=now,
            mail=follow_up_reminder(recipient_name=f"Liaison {n}", delegation_id=n + 1, country="Albania",
                                    visit_title=f"Study visit {n}", check_in=now.date(), last_contact=None),
        )
        for n in range(MAILS)
    ]
    db.session.execute(sa.insert(OutboxMessage), rows)
    ids = list(db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.key.startswith(run))))
    db.session.commit()
    try:
        started = time.perf_counter()
        report = deliver(datetime.now(UTC), only=ids)
        seconds = time.perf_counter() - started
    finally:
        server.stop()
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        db.session.commit()
    return round(len(report.sent) / seconds, 1)


def table(result: dict) -> str:
    #: ×hello: p95 over the hello page's p95; ×SQL: p50 over the replayed SQL's median.
    #: n: timed requests (fewer for a page slower than SLOW_MS at its first response); changed: p95 of the views right
    #: after a change (``after_a_change``); machine: how much slower the machine ran while the page was timed
    #: (bench/machine.py).
    lines = [f"{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'n':>4} {'changed':>7} {'queries':>7} {'raw SQL ms':>10} "
             f"{'×hello':>7} {'×SQL':>6} {'machine':>7}"]  # fmt: skip
    for name, page in result["pages"].items():
        over = "  OVER BUDGET" if page["p95_ms"] > BUDGET_MS else ""
        to_hello, to_sql = page["p95_ms"] / page["hello_p95_ms"], page["p50_ms"] / max(page["raw_sql_ms"], 0.01)
        lines.append(
            f"{name:<22} {page['p50_ms']:>8} {page['p95_ms']:>8} {page['requests']:>4} {page['changed_p95_ms']:>7} "
            f"{page['queries']:>7} {page['raw_sql_ms']:>10} {to_hello:>7.1f} {to_sql:>6.1f} "
            f"{page['machine_slowdown'] or '-':>7}{over}"
        )
    hello = next(iter(result["pages"].values()))["hello_p95_ms"]
    lines += [
        f"hello page p95: {hello} ms",
        f"planner: {result['plan_seconds']} s over {result['plan_requests']} requests at {result['plan_at']}, "
        f"{result['plan_mails']} mails planned, {result['plan_held']} people outside their hours (budget 2 s)",
        f"mail: {result['mail_per_second']} messages/s (budget ≥ 200)",
        f"web worker peak resident memory: {result['rss_mb']} MB (budget < 150)",
    ]
    return "\n".join(lines)


def main() -> None:
    started = time.monotonic()
    scale, out, env = settings()
    password = ensure_data(scale, env)
    os.environ.update({key: value for key, value in env.items() if key != "TRACKER_BENCH"})
    from tracker import create_app
    from tracker.demo.people import ADMIN_EMAIL

    app = create_app()
    with app.app_context():
        upgrade_admin_hash(ADMIN_EMAIL, password)
        pages, rss_mb = measure_pages(password, env)
        planner = measure_planner(app)
        mail_per_second = measure_mail(app)
        dialect = app.extensions["sqlalchemy"].engine.dialect.name
    result = {
        "scale": scale,
        "database": dialect,
        "pages": pages,
        **planner,
        "mail_per_second": mail_per_second,
        "rss_mb": rss_mb,
    }
    print(table(result))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written to {out} (the benchmark took {(time.monotonic() - started) / 60:.0f} min)")


if __name__ == "__main__":
    main()
