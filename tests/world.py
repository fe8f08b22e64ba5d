"""A small cast of users (one per role) and helpers to drive them through the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlmodel import select
from werkzeug.security import generate_password_hash

from models.accounts import OrgKind, Role
from models.common import Region, today
from models.profiles import Profile
from webapp import db
from webapp.services import accounts

PASSWORD = "correct-horse-42"
CAST = {
    "owner": (Role.ENTERPRISE, "津门精密机械有限公司", OrgKind.ENTERPRISE),
    "other_enterprise": (Role.ENTERPRISE, "冀中新材料股份有限公司", OrgKind.ENTERPRISE),
    "solver": (Role.SOLVER, "天津大学", OrgKind.UNIVERSITY),
    "other_solver": (Role.SOLVER, "北京理工大学", OrgKind.UNIVERSITY),
    "manager": (Role.MANAGER, "滨海技术转移中心", OrgKind.TRANSFER_INSTITUTION),
    "commissioner": (Role.COMMISSIONER, "河北省农林科学院", OrgKind.INSTITUTE),
    "government": (Role.GOVERNMENT, "天津市科学技术局", OrgKind.GOVERNMENT),
}


def challenge_payload(**overrides: Any) -> dict[str, Any]:
    """A valid challenge as the API takes it."""
    payload = {
        "title": "高精度减速器齿轮磨削工艺优化",
        "summary": "提升RV减速器摆线齿轮的磨削精度与一致性。",
        "description": "现有磨削工艺齿形误差偏大，需要在线检测与补偿方案，适配工业机器人关节减速器量产。",
        "field": "smart_manufacturing",
        "keywords": ["RV减速器", "磨削", "齿形误差"],
        "budget": 800000,
        "deadline": (today() + dt.timedelta(days=60)).isoformat(),
        "region": "tianjin",
        "confidential_details": "现有产线良率 82%，目标 95%；设备型号 Reishauer RZ 260。",
    }
    payload.update(overrides)
    return payload


def bid_payload(**overrides: Any) -> dict[str, Any]:
    """A valid bid as the API takes it."""
    payload = {"approach": "基于在机测量的齿形误差闭环补偿，结合砂轮修整参数优化。", "price": 600000,
               "timeline": "三个月完成样机验证，六个月完成产线导入", "duration_days": 180,
               "team": "教授1名，博士生3名"}
    payload.update(overrides)
    return payload


@dataclass
class World:
    """Users by nickname, with their ids, e-mails and API tokens."""

    app: Flask
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def build(cls, app: Flask) -> World:
        """Create the cast in the app's database."""
        world = cls(app)
        hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        with app.app_context():
            session = db.session()
            for nick, (role, org_name, kind) in CAST.items():
                org = accounts.find_or_create_org(session, org_name, kind, Region.TIANJIN)
                user = accounts.create_user(session, f"{nick}@example.cn", nick, hashed, [role], org,
                                            Region.TIANJIN)
                _token, plain = accounts.issue_token(session, user.id, "tests")
                world.users[nick] = {"id": user.id, "email": user.email, "token": plain, "org": org.id}
            session.commit()
        return world

    def headers(self, nick: str) -> dict[str, str]:
        """Bearer-token headers for a cast member."""
        return {"Authorization": f"Bearer {self.users[nick]['token']}"}

    def add_person(self, nick: str, org_name: str, expertise: str, role: Role = Role.SOLVER,
                   kind: OrgKind = OrgKind.UNIVERSITY, region: Region = Region.TIANJIN, capacity: int = 3,
                   keywords: tuple[str, ...] = ()) -> int:
        """A user with a candidate profile (solver, manager or commissioner); returns the profile id."""
        with self.app.app_context():
            session = db.session()
            org = accounts.find_or_create_org(session, org_name, kind, region)
            user = accounts.create_user(session, f"{nick}@example.cn", nick,
                                        generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
                                        [role], org, region)
            profile = session.exec(select(Profile).where(Profile.user_id == user.id)).one()
            profile.expertise, profile.keywords, profile.capacity = expertise, list(keywords), capacity
            session.add(profile)
            session.commit()
            self.users[nick] = {"id": user.id, "email": user.email, "org": org.id, "profile": profile.id,
                                "token": accounts.issue_token(session, user.id, "tests")[1]}
            session.commit()
            return profile.id

    def api(self, nick: str, method: str, path: str, json: Any = None):
        """Call the API as a cast member."""
        client = self.app.test_client()
        return client.open(f"/api/v1{path}", method=method, json=json, headers=self.headers(nick))

    def login(self, nick: str):
        """A test client signed in (by session cookie) as a cast member."""
        client = self.app.test_client()
        response = client.post("/account/login", data={"email": self.users[nick]["email"],
                                                       "password": PASSWORD})
        assert response.status_code == 302, response.data
        return client

    def challenge(self, status: str = "published", **overrides: Any) -> int:
        """A challenge of the owner brought to `status` through the API."""
        response = self.api("owner", "POST", "/challenges", challenge_payload(**overrides))
        assert response.status_code == 201, response.json
        cid = response.json["id"]
        steps = {"draft": [], "submitted": ["submit"], "published": ["submit", "publish"],
                 "rejected": ["submit", "reject"], "withdrawn": ["withdraw"],
                 "awarded": ["submit", "publish", "award"]}[status]
        for step in steps:
            self._step(cid, step)
        return cid

    def _step(self, cid: int, step: str) -> None:
        if step == "submit":
            response = self.api("owner", "POST", f"/challenges/{cid}/submit")
        elif step == "publish":
            response = self.api("government", "POST", f"/challenges/{cid}/publish")
        elif step == "reject":
            response = self.api("government", "POST", f"/challenges/{cid}/reject", {"reason": "预算不明确"})
        elif step == "withdraw":
            response = self.api("owner", "POST", f"/challenges/{cid}/withdraw")
        else:
            bid = self.bid(cid)
            response = self.api("owner", "POST", f"/bids/{bid}/accept")
        assert response.status_code == 200, (step, response.json)

    def bid(self, cid: int, nick: str = "solver", **overrides: Any) -> int:
        """A bid by a solver on a published challenge."""
        response = self.api(nick, "POST", f"/challenges/{cid}/bids", bid_payload(**overrides))
        assert response.status_code == 201, response.json
        return response.json["id"]
