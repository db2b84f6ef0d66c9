"""Load test (issue 14, item 6): requests per second of gunicorn on the loopback at p95 < 300 ms.

Locust users are stepped up until the p95 crosses 300 ms or an error appears; the run prints
the capacity and the error rate.

    cd /work/main && .venv/bin/python bench/load.py --people 2000 --reuse
    .venv/bin/python bench/load.py --people 2000 --reuse --max-users 128 --step-seconds 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py ...

The database is ``bench/pages.py``'s (its ``configure`` and ``seed_country``: ``parcours seed``,
seed 42, ``/tmp/parcours_bench_<N>.sqlite3`` or a database ``parcours_bench_<N>`` on the server
of ``DATABASE_URL``; kept with ``--reuse``, made afresh and dropped otherwise). Settings:
``PARCOURS_MODE=test`` (the fixed test keys the seeded data are encrypted with) with DEBUG off.

The seeded users cannot sign in (no usable password, no second factor). Before the run, the
benchmark gives the accounts it signs in as, in the benchmark's database only, the password
``BENCH_PASSWORD`` and a second factor: a TOTP app (secret ``BENCH_TOTP_SECRET``) for the
caseworkers and facility staff, a security key for the coordinators (whose role requires
WebAuthn), held by a software authenticator here: its P-256 key is derived from the user name,
so a reused database still matches. Every virtual user signs in through the real pages (user
name and password, then the TOTP code or the WebAuthn assertion) as an account of its own: a
TOTP code is accepted once per account.

The journeys (Locust users, weights close to real use: reads far more than writes):

- a caseworker of an association: "my cases", one of her cases, a search by a given name of
  her people (posted, as the page does), a contact logged on one of her cases;
- a facility's staff: the facility list, the availability updated (free places);
- a territorial coordinator: "my cases" (her département), a case of the list.

Every answer must be 200, or the redirect the page gives (sign-in steps, a write); anything else
is an error, printed by status and URL pattern (never a name or a body). Users are doubled at
each step (2, 4, 8, ...), ``--step-seconds`` each, until the p95 of a step crosses ``--p95-ms``
(300) or a step has an error, ``--max-users`` is passed or ``--max-seconds`` (300) would be.
gunicorn and Locust listen and talk on 127.0.0.1 only; any other host is refused.
"""

import argparse
import hashlib
import json
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_PASSWORD = "bench-load-Parcours-2026"  # noqa: S105  (benchmark database only)
BENCH_TOTP_SECRET = "PARCOURSLOADBENCHSECRETX"  # noqa: S105  (base 32; benchmark only)
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
P95_LIMIT_MS = 300.0
THINK_SECONDS = 1.0  # mean pause of a virtual user between two pages

# The pages of the journeys: the URL name, and the pattern printed for it (no reference).
ROUTES = {
    "login": ("account_login", {}, "/compte/login/"),
    "second_factor": ("mfa_authenticate", {}, "/compte/2fa/authenticate/"),
    "my_cases": ("my_cases", {}, "/dossiers/"),
    "case": ("case_detail", {"ref": "C-0000-00"}, "/dossiers/[ref]/"),
    "contact": ("case_contact", {"ref": "C-0000-00"}, "/dossiers/[ref]/contacts/"),
    "facilities": ("facility_list", {}, "/hebergement/etablissements/"),
    "availability": (
        "facility_availability",
        {"pk": 1},
        "/hebergement/etablissements/[id]/disponibilites/",
    ),
}
SEARCH_LABEL = "/dossiers/ (search)"
CASE_LINK = re.compile(r"/dossiers/(C-[0-9A-Z]{4}-[0-9A-Z]{2})/")
AVAILABILITY_ACTION = re.compile(r'action="(/hebergement/etablissements/(\d+)/disponibilites/)"')
INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
JS_DATA = re.compile(r'<script id="js_data" type="application/json">(.*?)</script>', re.DOTALL)


# -- guards and small helpers -----------------------------------------------------------------


def loopback_only(url: str, what: str) -> None:
    """Refuse ``url`` unless its host is the loopback (the load stays on this machine)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        sys.exit(f"{what} must be on the loopback (127.0.0.1); refusing host {host or url!r}.")


def url_pattern(path: str) -> str:
    """A path with its references and ids replaced, fit for printing (no personal data)."""
    path = urllib.parse.urlsplit(path).path
    path = re.sub(r"[CP]-[0-9A-Z]{4}-[0-9A-Z]{2}", "[ref]", path)
    return re.sub(r"/\d+/", "/[id]/", path)


def input_value(tag_html: str, name: str) -> str | None:
    """The value of the ``<input name=...>`` of ``tag_html`` (attributes in any order)."""
    for tag in INPUT_TAG.findall(tag_html):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            found = re.search(r'\bvalue="([^"]*)"', tag)
            return found.group(1) if found else ""
    return None


def input_max(tag_html: str, name: str) -> int | None:
    for tag in INPUT_TAG.findall(tag_html):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            found = re.search(r'\bmax="(\d+)"', tag)
            return int(found.group(1)) if found else None
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# -- the software security key ----------------------------------------------------------------


class SoftwareKey:
    """A WebAuthn authenticator in software for one account: a P-256 key derived from the user
    name (the same on every run), "none" attestation, user present and verified."""

    def __init__(self, username: str):
        from cryptography.hazmat.primitives.asymmetric import ec

        digest = hashlib.sha256(f"parcours-bench-webauthn:{username}".encode()).digest()
        order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
        secret = int.from_bytes(digest) % (order - 1) + 1
        self.private_key = ec.derive_private_key(secret, ec.SECP256R1())
        self.credential_id = hashlib.sha256(f"credential:{username}".encode()).digest()[:16]

    def registration(self, rp_id: str, origin: str) -> dict:
        """The credential as allauth stores it after a registration (``WebAuthn.add``)."""
        from fido2.cose import ES256
        from fido2.utils import websafe_encode
        from fido2.webauthn import (
            Aaguid,
            AttestationObject,
            AttestedCredentialData,
            AuthenticatorData,
            CollectedClientData,
        )

        flags = AuthenticatorData.FLAG
        credential = AttestedCredentialData.create(
            Aaguid.NONE,
            self.credential_id,
            ES256.from_cryptography_key(self.private_key.public_key()),
        )
        auth_data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(),
            flags.UP | flags.UV | flags.AT,
            0,
            credential,
        )
        client_data = CollectedClientData.create(
            type="webauthn.create", challenge=b"parcours-bench", origin=origin
        )
        encoded_id = websafe_encode(self.credential_id)
        return {
            "type": "public-key",
            "id": encoded_id,
            "rawId": encoded_id,
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(
                    AttestationObject.create("none", auth_data, {})
                ),
            },
            "clientExtensionResults": {},
        }

    def assertion(self, request_options: dict, origin: str) -> dict:
        """The answer to ``navigator.credentials.get(request_options)`` on ``origin``."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from fido2.utils import websafe_encode
        from fido2.webauthn import AuthenticatorData, CollectedClientData

        options = request_options.get("publicKey", request_options)
        rp_id = options.get("rpId") or urllib.parse.urlsplit(origin).hostname
        flags = AuthenticatorData.FLAG
        auth_data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(), flags.UP | flags.UV, int(time.time())
        )
        client_data = CollectedClientData.create(
            type="webauthn.get", challenge=options["challenge"], origin=origin
        )
        signature = self.private_key.sign(
            bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256())
        )
        encoded_id = websafe_encode(self.credential_id)
        return {
            "type": "public-key",
            "id": encoded_id,
            "rawId": encoded_id,
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "authenticatorData": websafe_encode(auth_data),
                "signature": websafe_encode(signature),
            },
            "clientExtensionResults": {},
        }


def totp_code(secret: str = BENCH_TOTP_SECRET) -> str:
    """The authenticator app's code now (allauth's own HOTP, Django's settings)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


# -- the accounts -----------------------------------------------------------------------------


@dataclass
class Account:
    username: str
    kind: str  # "totp" or "webauthn"
    cases: list = field(default_factory=list)  # case references (caseworkers)
    names: list = field(default_factory=list)  # given names to search (caseworkers)


@dataclass
class Pools:
    caseworkers: list
    facility_staff: list
    coordinators: list
    notes: list = field(default_factory=list)


def _activate(users, kind: str) -> int:
    """Give ``users`` the benchmark's password and second factor (when missing); how many
    second factors were added."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.webauthn.internal.auth import WebAuthn
    from django.contrib.auth.hashers import make_password

    from parcours.accounts.models import User

    hashed = make_password(BENCH_PASSWORD)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=hashed)
    have = set(
        Authenticator.objects.filter(user__in=users, type=kind).values_list("user_id", flat=True)
    )
    added = 0
    for user in users:
        if user.pk in have:
            continue
        if kind == Authenticator.Type.TOTP:
            TOTP.activate(user, BENCH_TOTP_SECRET)
        else:
            key = SoftwareKey(user.username)
            WebAuthn.add(user, "Clé logicielle (banc de charge)", key.registration("127.0.0.1", ""))
        added += 1
    return added


def prepare_accounts(counts: dict[str, int]) -> Pools:
    """Pick the seeded accounts the virtual users sign in as (``counts`` per journey) and give
    them the benchmark's password and second factor; the caseworkers' own cases and a few given
    names of their people (decrypted for them only) to search."""
    from django.core.cache import cache
    from django.db import transaction
    from django.db.models import Count

    from parcours.accounts.models import Membership
    from parcours.cases.models import Case
    from parcours.core.roles import OrganisationKind, Role
    from parcours.demo.seed.country import SUFFIX
    from parcours.shelter.models import Facility

    seeded = Membership.objects.filter(active=True, organisation__name__endswith=SUFFIX)
    referents = (
        Case.objects.filter(referent_org__kind=OrganisationKind.ASSOCIATION)
        .values("referent_user")
        .annotate(n=Count("pk"))
        .order_by()
    )
    busy = {row["referent_user"]: row["n"] for row in referents if row["n"] >= 2}
    caseworkers = [
        m.user
        for m in seeded.filter(
            role=Role.CASEWORKER,
            organisation__kind=OrganisationKind.ASSOCIATION,
            user_id__in=list(busy),
        )
        .select_related("user")
        .order_by("user_id")
    ]
    random.Random(42).shuffle(caseworkers)  # noqa: S311  (spread over the country)
    caseworkers = caseworkers[: counts["caseworker"]]

    with_facility = Facility.objects.filter(active=True).values("organisation_id")
    staff_by_org = {}
    for m in (
        seeded.filter(role=Role.FACILITY_STAFF, organisation_id__in=with_facility)
        .select_related("user")
        .order_by("organisation_id", "user__username")
    ):
        staff_by_org.setdefault(m.organisation_id, m.user)  # one per facility: no two editors
    facility_staff = list(staff_by_org.values())[: counts["facility"]]

    by_dep = dict(
        Case.objects.values_list("referent_org__departement")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("referent_org__departement", "n")
    )
    coordinators = sorted(
        (
            m
            for m in seeded.filter(
                role=Role.COORDINATOR, organisation__kind=OrganisationKind.TERRITORIAL_COORDINATOR
            ).select_related("user", "organisation")
            if by_dep.get(m.organisation.departement)
        ),
        key=lambda m: (-by_dep[m.organisation.departement], m.user.username),
    )
    coordinators = [m.user for m in coordinators][: counts["coordinator"]]

    with transaction.atomic():
        added = _activate(caseworkers + facility_staff, "totp")
        added += _activate(coordinators, "webauthn")
    cache.clear()  # used-TOTP-code markers and rate limits of an earlier run on this database

    pools = Pools([], [Account(u.username, "totp") for u in facility_staff], [])
    pools.coordinators = [Account(u.username, "webauthn") for u in coordinators]
    for user in caseworkers:
        own = list(
            Case.objects.filter(referent_user=user)
            .select_related("person")
            .only("ref", "person__given_names")
            .order_by("-opened_at", "pk")[:10]
        )
        names = sorted(
            {c.person.given_names.split()[0] for c in own if c.person.given_names.strip()}
        )
        pools.caseworkers.append(
            Account(user.username, "totp", [c.ref for c in own], names[:3] or ["Marie"])
        )
    pools.notes.append(
        f"{len(pools.caseworkers)} caseworkers, {len(pools.facility_staff)} facility staff, "
        f"{len(pools.coordinators)} territorial coordinators signed in as; "
        f"{added} second factors added to the benchmark database"
    )
    return pools


# -- gunicorn ---------------------------------------------------------------------------------


class Server:
    """gunicorn serving ``parcours.wsgi`` on 127.0.0.1:<free port>, ``os.cpu_count()``
    workers, the current environment (test mode, the benchmark's database, DEBUG off, database
    connections kept 60 s unless PARCOURS_DB_CONN_MAX_AGE says otherwise)."""

    def __init__(self, workers: int, log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        loopback_only(self.url, "the server")
        env = {
            # Connections kept 60 s, as docs/operations.md runs PostgreSQL (0 opens one per
            # request); PARCOURS_DB_CONN_MAX_AGE in the environment wins.
            "PARCOURS_DB_CONN_MAX_AGE": "60",
            **os.environ,
            "PARCOURS_DEBUG": "false",
            "PYTHONPATH": str(ROOT / "src"),
        }
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "parcours.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60.0) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/sante/", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")

    def cpu_seconds(self) -> float:
        """CPU time of the master and its workers so far."""
        import psutil

        try:
            master = psutil.Process(self.process.pid)
            total = 0.0
            for proc in [master, *master.children(recursive=True)]:
                times = proc.cpu_times()
                total += times.user + times.system
            return total
        except psutil.Error:
            return 0.0

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        return False


# -- the journeys (Locust users) --------------------------------------------------------------


def user_classes(pools: Pools, think: float):
    """The Locust users of the three journeys, drawing their accounts from ``pools``."""
    from locust import between, task
    from locust.contrib.fasthttp import FastHttpUser
    from locust.exception import StopUser

    labels = {key: label for key, (_name, _kwargs, label) in ROUTES.items()}
    wait = between(think * 0.5, think * 1.5)

    class Journey(FastHttpUser):
        abstract = True
        wait_time = wait
        pool: list = []

        def on_start(self):
            if not self.pool:
                self.environment.events.request.fire(
                    request_type="SIGNIN",
                    name=f"no account left for {type(self).__name__}",
                    response_time=0,
                    response_length=0,
                    exception=RuntimeError("account pool exhausted"),
                    context={},
                )
                raise StopUser
            self.account = self.pool.pop(0)
            self.sign_in()

        # -- requests: 200 or the expected redirect, anything else an error --

        def csrf(self) -> str:
            for cookie in self.client.cookiejar:
                if cookie.name == "csrftoken":
                    return cookie.value
            return ""

        def call(self, method, url, label, expect=200, data=None, to=None):
            """One request; ``expect`` its status, ``to`` the pattern of its redirect."""
            if data is not None:
                data = {**data, "csrfmiddlewaretoken": self.csrf()}
            with self.client.request(
                method,
                url,
                name=label,
                data=data,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                status = response.status_code
                where = url_pattern(response.headers.get("Location", "") or "")
                if status != expect or (to is not None and where != to):
                    response.failure(
                        f"status {status}"
                        + (f" to {where}" if where else "")
                        + f" (expected {expect}"
                        + (f" to {to}" if to else "")
                        + ")"
                    )
                    return None
                response.success()
                return response

        def sign_in(self):
            self.call("GET", labels["login"], labels["login"])
            answer = self.call(
                "POST",
                labels["login"],
                labels["login"],
                302,
                {"login": self.account.username, "password": BENCH_PASSWORD},
                to=labels["second_factor"],
            )
            if answer is None:
                raise StopUser
            if self.account.kind == "webauthn":
                page = self.call("GET", labels["second_factor"], labels["second_factor"])
                found = JS_DATA.search(page.text) if page is not None else None
                if found is None:
                    raise StopUser
                options = json.loads(found.group(1))["request_options"]
                credential = SoftwareKey(self.account.username).assertion(options, self.host)
                data = {"credential": json.dumps(credential)}
            else:
                data = {"code": totp_code()}
            second = self.call("POST", labels["second_factor"], labels["second_factor"], 302, data)
            if second is None:
                raise StopUser

        def case_refs(self, page) -> list[str]:
            return sorted(set(CASE_LINK.findall(page.text))) if page is not None else []

    class Caseworker(Journey):
        """A caseworker of an association: her cases, one case, a search, a contact logged."""

        weight = 6
        pool = pools.caseworkers

        @task(4)
        def my_cases(self):
            self.call("GET", "/dossiers/", labels["my_cases"])

        @task(4)
        def a_case(self):
            ref = random.choice(self.account.cases)  # noqa: S311
            self.call("GET", f"/dossiers/{ref}/", labels["case"])

        @task(2)
        def search(self):
            name = random.choice(self.account.names)  # noqa: S311
            self.call("POST", "/dossiers/", SEARCH_LABEL, 200, {"q": name})

        @task(1)
        def log_contact(self):
            ref = random.choice(self.account.cases)  # noqa: S311
            data = {
                "channel": random.choice(["phone", "met", "message"]),  # noqa: S311
                "at": "",
                "note": "Point d'étape (banc de charge, fictif)",
                "request_token": str(uuid.uuid4()),
            }
            self.call(
                "POST",
                f"/dossiers/{ref}/contacts/",
                labels["contact"],
                302,
                data,
                to=labels["case"],
            )

    class FacilityStaff(Journey):
        """A facility's staff: the list of her facilities, the free places updated."""

        weight = 2
        pool = pools.facility_staff

        @task(3)
        def facilities(self):
            self.call("GET", "/hebergement/etablissements/", labels["facilities"])

        @task(1)
        def update_availability(self):
            page = self.call("GET", "/hebergement/etablissements/", labels["facilities"])
            if page is None:
                return
            text = page.text
            found = AVAILABILITY_ACTION.search(text)
            if found is None:
                return
            form = text[found.end() : text.find("</form>", found.end())]
            version = input_value(form, "version")
            capacity = input_max(form, "free") or 1
            free = random.randint(0, capacity)  # noqa: S311
            self.call(
                "POST",
                found.group(1),
                labels["availability"],
                302,
                {"free": str(free), "version": version or ""},
                to=labels["facilities"],
            )

    class Coordinator(Journey):
        """A territorial coordinator: the cases of her département, one of them."""

        weight = 1
        pool = pools.coordinators

        def on_start(self):
            super().on_start()
            self.refs = self.case_refs(self.call("GET", "/dossiers/", labels["my_cases"]))

        @task(1)
        def my_cases(self):
            page = self.call("GET", "/dossiers/", labels["my_cases"])
            self.refs = self.case_refs(page) or self.refs

        @task(1)
        def a_case(self):
            if self.refs:
                ref = random.choice(self.refs)  # noqa: S311
                self.call("GET", f"/dossiers/{ref}/", labels["case"])

    return [Caseworker, FacilityStaff, Coordinator]


# -- the run ----------------------------------------------------------------------------------

CLASS_WEIGHTS = {"caseworker": 6, "facility": 2, "coordinator": 1}


@dataclass
class Step:
    users: int
    seconds: float
    times: list  # ms of the requests answered in the measured window
    by_name: dict  # the same by "METHOD pattern"
    errors: int  # during the step (its ramp-up included)
    server_cpu: float  # % of one core, gunicorn master and workers
    locust_cpu: float
    load: float

    @property
    def rps(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """gunicorn's CPU time per request answered (ms): what a request costs, whoever else
        uses the machine."""
        return self.server_cpu * 10 / self.rps if self.rps else 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else 0.0

    @property
    def p95(self) -> float:
        return percentile(self.times, 0.95)


class Recorder:
    """Every request of the run, from Locust's request event: times of the measured window,
    errors by (method, pattern, message) for the whole run."""

    def __init__(self):
        self.measuring = False
        self.times: list[float] = []
        self.by_name: dict[str, list[float]] = {}
        self.requests = 0
        self.step_errors = 0
        self.errors: Counter = Counter()

    def __call__(self, request_type, name, response_time, exception=None, **_kwargs):
        self.requests += 1
        if exception is not None:
            self.step_errors += 1
            self.errors[(request_type, name, str(exception))] += 1
            return
        if self.measuring:
            self.times.append(response_time)
            self.by_name.setdefault(f"{request_type} {name}", []).append(response_time)


def steps_of(max_users: int, first: int = 2) -> list[int]:
    users, out = first, []
    while users < max_users:
        out.append(users)
        users *= 2
    out.append(max_users)
    return out


def run_load(args, server: Server, pools: Pools) -> tuple[list[Step], Recorder]:
    import gevent
    from locust.env import Environment

    loopback_only(server.url, "the load test's target")
    classes = user_classes(pools, args.think)
    env = Environment(user_classes=classes, host=server.url)
    recorder = Recorder()
    env.events.request.add_listener(recorder)
    runner = env.create_local_runner()
    started = time.monotonic()
    steps: list[Step] = []
    print(
        f"\n{'users':>5}  {'rps':>6}  {'p50':>6}  {'p95':>6}  {'errors':>6}  "
        f"{'server cpu':>10}  {'cpu/request':>11}  {'locust cpu':>10}  {'load':>5}"
    )
    try:
        for users in steps_of(args.max_users):
            ahead = args.step_seconds + (args.warm_up if not steps else 2) + 5
            if time.monotonic() - started + ahead > args.max_seconds:
                print(f"(stopping: the next step would pass --max-seconds {args.max_seconds})")
                break
            recorder.step_errors = 0
            runner.start(users, spawn_rate=min(50, max(users, 1)))
            deadline = time.monotonic() + 60
            while runner.user_count < users and time.monotonic() < deadline:
                gevent.sleep(0.2)
            # The new users' sign-ins; before the first step, the workers' first requests
            # (imports, templates) too: not measured.
            gevent.sleep(args.warm_up if not steps else min(2.0, args.step_seconds / 5))
            recorder.times, recorder.by_name = [], {}
            recorder.measuring = True
            cpu_before, window_start = server.cpu_seconds(), time.monotonic()
            gevent.sleep(args.step_seconds)
            recorder.measuring = False
            window = time.monotonic() - window_start
            cpu = (server.cpu_seconds() - cpu_before) / window * 100
            step = Step(
                users,
                window,
                list(recorder.times),
                dict(recorder.by_name),
                recorder.step_errors,
                cpu,
                runner.current_cpu_usage,
                os.getloadavg()[0],
            )
            steps.append(step)
            print(
                f"{users:>5}  {step.rps:>6.1f}  {step.p50:>4.0f}ms  {step.p95:>4.0f}ms  "
                f"{step.errors:>6}  {step.server_cpu:>9.0f}%  {step.cpu_ms:>9.0f}ms  "
                f"{step.locust_cpu:>9.0f}%  "
                f"{step.load:>5.2f}",
                flush=True,
            )
            if step.errors or step.p95 > args.p95_ms:
                break
    finally:
        runner.quit()
        runner.greenlet.join(timeout=10)
    return steps, recorder


def report(args, steps: list[Step], recorder: Recorder, pools: Pools, server, label) -> None:
    passing = [s for s in steps if not s.errors and s.p95 <= args.p95_ms]
    best = max(passing, key=lambda s: s.rps, default=None)
    rate = 100 * sum(recorder.errors.values()) / recorder.requests if recorder.requests else 0
    shown = [best] if best is not None else []
    if steps and steps[-1] is not best:
        shown.append(steps[-1])
    for step in shown:
        print(
            f"\npages at {step.users} users ({len(step.times)} requests in {step.seconds:.0f} s):"
        )
        width = max((len(n) for n in step.by_name), default=10)
        print(f"  {'request':<{width}}  {'count':>5}  {'p50':>6}  {'p95':>6}  {'max':>6}")
        for request_name, times in sorted(step.by_name.items()):
            print(
                f"  {request_name:<{width}}  {len(times):>5}  {statistics.median(times):>4.0f}ms"
                f"  {percentile(times, 0.95):>4.0f}ms  {max(times):>4.0f}ms"
            )
    if recorder.errors:
        print("\nerrors (method, URL pattern, what; count):")
        for (method, name, message), count in recorder.errors.most_common():
            print(f"  {method} {name}: {message} x{count}")
    if best is None:
        print(
            f"\ncapacity: none (the first step already had p95 >= {args.p95_ms:.0f} ms or errors), "
            f"error rate {rate:.2f} %"
        )
    else:
        print(
            f"\ncapacity: {best.rps:.1f} requests/s at p95 < {args.p95_ms:.0f} ms, error rate "
            f"{rate:.2f} %"
        )
    print(
        f"({label}; gunicorn {server.workers} sync workers on {server.url}; {recorder.requests:,} "
        f"requests in the run; think time {args.think * 0.5:.1f}-{args.think * 1.5:.1f} s; "
        f"best step: {best.users if best else '-'} users)"
    )
    if steps:
        cost = statistics.median(s.cpu_ms for s in steps)
        cores = os.cpu_count() or 1
        print(
            f"(gunicorn CPU per request: {cost:.0f} ms, median of the steps: {cores} cores "
            f"fully given to gunicorn answer at most ~{cores * 1000 / cost:.0f} requests/s of "
            "this mix; the database server's CPU is not counted)"
            if cost
            else "(no request answered in a measured window)"
        )
    for note in pools.notes:
        print(f"({note})")


def main() -> None:
    from gevent import monkey

    monkey.patch_all()  # as Locust does on import: before anything opens a socket or a thread

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the seeded database")
    parser.add_argument("--batch", type=int, default=2000, help="people per seeding batch")
    parser.add_argument("--max-users", type=int, default=256)
    parser.add_argument("--step-seconds", type=float, default=20.0)
    parser.add_argument("--max-seconds", type=float, default=300.0, help="bound on the steps")
    parser.add_argument("--p95-ms", type=float, default=P95_LIMIT_MS)
    parser.add_argument(
        "--think", type=float, default=THINK_SECONDS, help="mean pause between two pages (s)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--warm-up", type=float, default=10.0, help="unmeasured seconds before the first step"
    )
    args = parser.parse_args()
    if args.people < 1 or args.max_users < 1 or args.step_seconds <= 0 or args.think < 0:
        parser.error("--people, --max-users and --step-seconds must be positive")
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        loopback_only(database_url, "the database server")

    from bench import pages

    server_url, name = pages.configure(args.people, args.reuse)
    os.environ["PARCOURS_DEBUG"] = "false"
    sys.path.insert(0, str(ROOT / "src"))
    import logging

    import django

    django.setup()
    logging.getLogger("parcours.request").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connections

    assert not settings.DEBUG and settings.MODE != "production"
    total = sum(CLASS_WEIGHTS.values())
    counts = {k: math.ceil(args.max_users * w / total) + 2 for k, w in CLASS_WEIGHTS.items()}
    try:
        seeded = pages.seed_country(args.people, args.batch)
        before = pages.counts()
        pools = prepare_accounts(counts)
        label = (
            f"{pages.database_label()}, {before['people']:,} people, {before['cases']:,} cases, "
            + (f"seeded in {seeded:.0f} s" if seeded else "database reused")
        )
        connections.close_all()
        print(label, flush=True)
        with Server(args.workers, Path(pages.TMP) / "parcours_bench_load_gunicorn.log") as server:
            steps, recorder = run_load(args, server, pools)
        report(args, steps, recorder, pools, server, label)
    finally:
        pages.release(args.reuse, server_url, name)


if __name__ == "__main__":
    main()
