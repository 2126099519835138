"""The load bench's users (locust, FastHttpUser), driven by bench/load.py.

The plan (tokens, the procedure to file, tracking pairs) comes from the JSON file named by
BENCH_LOAD_PLAN, written by the harness after seeding. Each request is named by its kind so
the statistics group them (not by URL: ids differ per request).
"""

from __future__ import annotations

import json
import os
import random
import threading
from urllib.parse import quote

from locust import FastHttpUser, between, constant, task

with open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8") as _plan_file:
    PLAN = json.load(_plan_file)
PDF = b"%PDF-1.4\n% DVCTT bench\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
_lock = threading.Lock()
_next_citizen = [0]


def _citizen_token() -> str:
    # One account per simulated citizen, round robin (per-account limits stay per person).
    with _lock:
        token = PLAN["citizen_tokens"][_next_citizen[0] % len(PLAN["citizen_tokens"])]
        _next_citizen[0] += 1
    return token


class _Base(FastHttpUser):
    abstract = True
    # Loopback: the bench measures the server, so no think time in the single-page phases.
    wait_time = constant(0)


# --- single-page users: the ratio phases (one class per run, same server, same run) --------
class Ping(_Base):
    @task
    def ping(self) -> None:
        self.client.get("/_bench/ping", name="ping")


class Home(_Base):
    @task
    def home(self) -> None:
        self.client.get("/", name="home")


class Search(_Base):
    @task
    def search(self) -> None:
        q = quote(random.choice(PLAN["queries"]))
        self.client.get(f"/thu-tuc/?q={q}", name="search")


class ProcedurePage(_Base):
    @task
    def procedure(self) -> None:
        code = random.choice(PLAN["procedure_codes"])
        self.client.get(f"/thu-tuc/{code}/", name="procedure")


class TrackingPage(_Base):
    @task
    def tracking(self) -> None:
        code, last4 = random.choice(PLAN["tracking"])
        self.client.get(f"/tra-cuu/?code={code}&id_last4={last4}", name="tracking")


# --- the mix -----------------------------------------------------------------------------
class Visitor(FastHttpUser):
    """An anonymous visitor: home, searches, a procedure, sometimes a tracking look-up."""

    weight = 6
    wait_time = between(0.05, 0.2)

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(4)
    def search(self) -> None:
        self.client.get(f"/thu-tuc/?q={quote(random.choice(PLAN['queries']))}", name="search")

    @task(3)
    def procedure(self) -> None:
        self.client.get(f"/thu-tuc/{random.choice(PLAN['procedure_codes'])}/", name="procedure")

    @task(1)
    def tracking(self) -> None:
        code, last4 = random.choice(PLAN["tracking"])
        self.client.get(f"/api/v1/tracking/?code={code}&id_last4={last4}", name="api tracking")


class Citizen(FastHttpUser):
    """A citizen filing through the API with a token: create, attach each file, submit."""

    weight = 3
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        self.auth = {"Authorization": f"Token {_citizen_token()}"}

    @task
    def file_dossier(self) -> None:
        filing = PLAN["filing"]
        with self.client.post(
            "/api/v1/dossiers/",
            json={
                "procedure": filing["procedure"],
                "agency": filing["agency"],
                "case": filing["case"],
                "form_data": filing["form_data"],
            },
            headers=self.auth,
            name="api create",
            catch_response=True,
        ) as created:
            if created.status_code != 201:
                created.failure(f"{created.status_code} {created.text[:200]}")
                return
            dossier_id = created.json()["id"]
        for component in filing["components"]:
            with self.client.post(
                f"/api/v1/dossiers/{dossier_id}/attachments/",
                data={"component": str(component)},
                files={"file": ("giay-to.pdf", PDF, "application/pdf")},
                headers=self.auth,
                name="api attach",
                catch_response=True,
            ) as attached:
                if attached.status_code != 201:
                    attached.failure(f"{attached.status_code} {attached.text[:200]}")
                    return
        with self.client.post(
            f"/api/v1/dossiers/{dossier_id}/submit/",
            headers=self.auth,
            name="api submit",
            catch_response=True,
        ) as submitted:
            if submitted.status_code != 200:
                submitted.failure(f"{submitted.status_code} {submitted.text[:200]}")


class Intake(Citizen):
    """The intake phase: citizens only, filing back to back."""

    weight = 1
    wait_time = constant(0)


class Official(FastHttpUser):
    """A reception official: reads the agency's queue and receives a dossier from it."""

    weight = 1
    wait_time = between(0.2, 0.5)

    def on_start(self) -> None:
        self.auth = {"Authorization": f"Token {PLAN['official_token']}"}

    @task
    def receive_one(self) -> None:
        with self.client.get(
            "/api/v1/dossiers/?status=submitted",
            headers=self.auth,
            name="api queue",
            catch_response=True,
        ) as queue:
            if queue.status_code != 200:
                queue.failure(f"{queue.status_code} {queue.text[:200]}")
                return
            waiting = [row["id"] for row in queue.json()["results"]]
        if not waiting:
            return
        with self.client.post(
            f"/api/v1/dossiers/{random.choice(waiting)}/actions/receive/",
            json={"note": ""},
            headers=self.auth,
            name="api receive",
            catch_response=True,
        ) as received:
            # Two officials may pick the same dossier; the second is told it moved on (409),
            # which is the workflow working, not a server error.
            if received.status_code == 409:
                received.success()
            elif received.status_code != 200:
                received.failure(f"{received.status_code} {received.text[:200]}")
