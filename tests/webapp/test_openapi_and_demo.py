"""The OpenAPI document, and the demo data set."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from models.accounts import Organisation, OrgKind, User
from models.challenges import Bid, Challenge
from models.dispatch import Dispatch, DispatchRequest
from models.profiles import Achievement, Profile, ProfileKind
from models.subsidies import Subsidy
from webapp import create_app, db
from webapp.demo.loader import load


def test_openapi_document_describes_the_api(client):
    """Is there an OpenAPI 3 document listing every endpoint with schemas from the models?"""
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert {"/api/v1/challenges", "/api/v1/challenges/{challenge_id}", "/api/v1/challenges/{challenge_id}/bids",
            "/api/v1/bids/{bid_id}", "/api/v1/profiles/me", "/api/v1/achievements"} <= set(paths)
    assert not any(not p.startswith("/api/v1/") for p in paths)
    create = paths["/api/v1/challenges"]["post"]
    ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.split("/")[-1]]
    assert {"title", "budget", "deadline", "field", "region"} <= set(schema["required"])
    assert "422" in create["responses"] and "403" in create["responses"]


def test_demo_loads_a_realistic_data_set(runner, app):
    """Does load-demo create the promised volumes, across three regions and at least 8 fields?"""
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session()

        def count(model, *where):
            return session.exec(select(func.count()).select_from(model).where(*where)).one()

        assert count(Organisation, Organisation.kind == OrgKind.ENTERPRISE) >= 40
        assert count(Profile, Profile.kind == ProfileKind.SOLVER) >= 300
        assert count(Profile, Profile.kind == ProfileKind.MANAGER) >= 30
        assert count(Profile, Profile.kind == ProfileKind.COMMISSIONER) >= 60
        assert count(Challenge) >= 60 and count(Bid) >= 150 and count(Achievement) >= 80
        fields = session.exec(select(Challenge.field).distinct()).all()
        assert len(fields) >= 8
        regions = session.exec(select(Organisation.region).where(Organisation.kind == OrgKind.ENTERPRISE)
                               .distinct()).all()
        assert {r.value for r in regions} == {"tianjin", "beijing", "hebei"}
        descriptions = session.exec(select(Challenge.description)).all()
        assert len(set(descriptions)) == len(descriptions)
    assert runner.invoke(args=["load-demo"]).exit_code == 2
    assert runner.invoke(args=["load-demo", "--if-empty"]).exit_code == 0


def test_demo_has_the_assistance_readme_promises(runner, app):
    """Subsidies, dispatches, open requests (the demo enterprise's among them); e15's milestone to report."""
    runner.invoke(args=["load-demo"])
    client = app.test_client()
    client.post("/account/login", data={"email": "e15@demo.jiebang.cn", "password": "jiebang-demo"})
    page = client.get("/challenges/21").get_data(as_text=True)
    assert "GaN射频器件散热封装" in page and "报告完成" in page
    with app.app_context():
        session = db.session()
        assert session.exec(select(func.count()).select_from(Subsidy)).one() == 9
        assert session.exec(select(func.count()).select_from(Dispatch)).one() == 6
        open_requests = session.exec(select(DispatchRequest).where(DispatchRequest.status == "open")).all()
        owners = {session.get(User, r.requested_by).email for r in open_requests}
        assert len(open_requests) == 8 and "enterprise@demo.jiebang.cn" in owners


def test_demo_is_deterministic():
    """Does the demo come out the same every time it is loaded?"""
    snapshots = []
    for _ in range(2):
        app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
        with app.app_context():
            db.create_all()
            load(db.session())
            session = db.session()
            snapshots.append((
                session.exec(select(Profile.display_name, Profile.expertise).order_by(Profile.id)).all(),
                session.exec(select(Bid.approach, Bid.price, Bid.status).order_by(Bid.id)).all(),
                session.exec(select(Challenge.title, Challenge.status, Challenge.budget)
                             .order_by(Challenge.id)).all(),
            ))
        db.dispose(app)
    assert snapshots[0] == snapshots[1]


def test_demo_accounts_sign_in(runner, app):
    """Can each demo role sign in with the documented password?"""
    runner.invoke(args=["load-demo"])
    for role in ("enterprise", "solver", "manager", "commissioner", "government", "admin"):
        client = app.test_client()
        response = client.post("/account/login", data={"email": f"{role}@demo.jiebang.cn",
                                                       "password": "jiebang-demo"})
        assert response.status_code == 302, role
        assert role in client.get("/api/v1/me").json["roles"]
