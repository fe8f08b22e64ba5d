"""One page under load (LOADTEST_PAGE), as the signed-in role that uses it; no think time.

Runs in the load generator's own virtualenv (.venv-load): it imports nothing from the application. The
runner (bench/loadtest/run.py) signs the roles in once and passes their cookies, an API token, challenge
and profile ids and a CSRF token in the JSON file named by LOADTEST_CONTEXT.
"""

from __future__ import annotations

import itertools
import json
import os

from locust import FastHttpUser, constant, task
from requests.cookies import create_cookie

CONTEXT = json.loads(open(os.environ["LOADTEST_CONTEXT"], encoding="utf-8").read())
PAGE = os.environ["LOADTEST_PAGE"]
SEARCHES = ["电池", "控制", "检测 算法", "材料", "the", "battery", "优化"]
COMMON_ONLY = {"the"}  # asks for a better query (422), as the page should
KINDS = ["solver", "manager", "commissioner"]


class Visitor(FastHttpUser):
    """A signed-in person loading one page again and again.

    FastHttpUser (geventhttpclient) is locust's client for high request rates: python-requests (HttpUser) took
    25-30 % of this 2-core machine on the list pages, CPU the server under test then did not get."""

    wait_time = constant(0)
    max_redirects = 0  # the decision's 302 is its answer (allow_redirects=False fails on this geventhttpclient)

    def on_start(self) -> None:
        role = {"solver home": "solver", "challenge list": "solver", "challenge search": "solver",
                "challenge page": "solver", "api list": None, "candidates": "manager",
                "decision": "manager", "dashboard": "government"}[PAGE]
        if role:
            for name, value in CONTEXT["cookies"][role].items():
                self.client.cookiejar.set_cookie(create_cookie(name, value))
        self.challenges = itertools.cycle(CONTEXT["challenges"])
        self.searches = itertools.cycle(SEARCHES)
        self.kinds = itertools.cycle(KINDS)
        self.decisions = itertools.cycle(CONTEXT["decisions"])

    @task
    def load(self) -> None:
        if PAGE == "solver home":
            self.client.get("/", name=PAGE)
        elif PAGE == "challenge list":
            self.client.get("/challenges/", name=PAGE)
        elif PAGE == "challenge search":
            self._search(next(self.searches))
        elif PAGE == "challenge page":
            self.client.get(f"/challenges/{next(self.challenges)}", name=PAGE)
        elif PAGE == "api list":
            self.client.get("/api/v1/challenges", headers={"Authorization": f"Bearer {CONTEXT['token']}"},
                            name=PAGE)
        elif PAGE == "candidates":
            self.client.get(f"/challenges/{next(self.challenges)}/candidates", params={"kind": next(self.kinds)},
                            name=PAGE)
        elif PAGE == "dashboard":
            self.client.get("/government/dashboard/", name=PAGE)
        elif PAGE == "decision":
            challenge, profile = next(self.decisions)
            with self.client.post(f"/challenges/{challenge}/candidates/{profile}",
                                  data={"decision": "shortlist", "note": "load test", "kind": "solver",
                                        "csrf_token": CONTEXT["csrf"]["manager"]},
                                  name=PAGE, catch_response=True) as response:
                if response.status_code != 302:
                    response.failure(f"status {response.status_code}")

    def _search(self, words: str) -> None:
        """A search; one of only common words ("the") is answered 422 with a request for a better query."""
        expected = 422 if words in COMMON_ONLY else 200
        with self.client.get("/challenges/", params={"q": words}, name=PAGE, catch_response=True) as response:
            if response.status_code != expected:
                response.failure(f"status {response.status_code}, expected {expected}")
            else:
                response.success()  # locust counts any 4xx as failed unless told
