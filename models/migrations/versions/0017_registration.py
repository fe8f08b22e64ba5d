"""Technology-contract registration records (技术合同认定登记).

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registration',
    sa.Column('contract_type', sa.Enum('development', 'transfer', 'licence', 'consulting', 'service', name='contracttype', native_enum=False, length=32), nullable=False),
    sa.Column('buyer_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('buyer_credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('seller_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('seller_credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('total_amount', sa.BigInteger(), nullable=False),
    sa.Column('technology_income', sa.BigInteger(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('field', sa.Enum('xinchuang', 'semiconductor', 'smart_manufacturing', 'smart_mobility', 'biomedicine', 'new_energy', 'new_materials', 'iot', 'synthetic_biology', 'tcm', 'ai', 'other', name='techfield', native_enum=False, length=32), nullable=False),
    sa.Column('region', sa.Enum('beijing', 'tianjin', 'hebei', 'other', name='region', native_enum=False, length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'confirmed', name='registrationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id')
    )


def downgrade() -> None:
    op.drop_table('registration')
