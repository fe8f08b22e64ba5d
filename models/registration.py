"""Technology-contract registration (技术合同认定登记): the record a 技术合同登记机构 needs to register a contract —
type, parties with their 统一社会信用代码, amounts, dates, field — completed and confirmed by the enterprise."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import ValidationInfo, field_validator
from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from models.challenges import MAX_BUDGET_YUAN
from models.common import Region, TechField, enum_type, utcnow
from models.validation import credit_code, iso_date, non_blank, not_before_start


class ContractType(StrEnum):
    """The five kinds of technology contract the registration rules know."""

    DEVELOPMENT = "development"  # 技术开发
    TRANSFER = "transfer"  # 技术转让
    LICENCE = "licence"  # 技术许可
    CONSULTING = "consulting"  # 技术咨询
    SERVICE = "service"  # 技术服务


class RegistrationStatus(StrEnum):
    """A draft the enterprise may edit, then confirmed for the registration office."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"


class RegistrationBase(SQLModel):
    """What the registration form asks."""

    contract_type: ContractType = Field(sa_type=enum_type(ContractType))
    buyer_name: str = Field(min_length=1, max_length=200)  # 委托方 / 受让方: the enterprise
    buyer_credit_code: str = Field(min_length=18, max_length=18)
    seller_name: str = Field(min_length=1, max_length=200)  # 受托方 / 让与方: the solver's organisation
    seller_credit_code: str = Field(min_length=18, max_length=18)
    total_amount: int = Field(ge=0, le=MAX_BUDGET_YUAN, sa_type=BigInteger)  # 合同成交额
    technology_income: int = Field(ge=0, le=MAX_BUDGET_YUAN, sa_type=BigInteger)  # 技术交易额
    signed_on: dt.date
    start_date: dt.date
    end_date: dt.date
    field: TechField = Field(sa_type=enum_type(TechField))
    region: Region = Field(sa_type=enum_type(Region))


class Registration(RegistrationBase, table=True):
    """The registration record of one contract."""

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", unique=True)
    status: RegistrationStatus = Field(default=RegistrationStatus.DRAFT, sa_type=enum_type(RegistrationStatus))
    created_by: int = Field(foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    confirmed_at: dt.datetime | None = None


class RegistrationIn(RegistrationBase):
    """Validated registration input: codes checked (GB 32100), technology income within the total, dates in
    order."""

    _names = field_validator("buyer_name", "seller_name")(non_blank)
    _codes = field_validator("buyer_credit_code", "seller_credit_code", mode="before")(credit_code)
    _iso = field_validator("signed_on", "start_date", "end_date", mode="before")(iso_date)

    @field_validator("technology_income")
    @classmethod
    def _within_total(cls, value: int, info: ValidationInfo) -> int:
        total = info.data.get("total_amount")
        if total is not None and value > total:
            raise ValueError("the technology income cannot exceed the contract amount")
        return value

    _after_start = field_validator("end_date")(not_before_start)


class RegistrationRead(RegistrationBase):
    """A registration record as the parties and government read it."""

    id: int
    contract_id: int
    status: RegistrationStatus
    confirmed_at: dt.datetime | None
