"""Contracts after the award: terms, confirmation and milestones (deliverables).

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('solver_id', sa.Integer(), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'changes_requested', 'confirmed', 'completed', 'terminated', name='contractstatus', native_enum=False, length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['bid_id'], ['bid.id'], ),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenge.id'], ),
    sa.ForeignKeyConstraint(['solver_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bid_id')
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_solver_id'), ['solver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_status'), ['status'], unique=False)

    op.create_table('deliverable',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('indicators', sa.Text(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'reported', 'returned', 'accepted', name='deliverablestatus', native_enum=False, length=32), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.Column('return_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('reported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('accepted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'position')
    )
    with op.batch_alter_table('deliverable', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliverable_contract_id'), ['contract_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deliverable', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliverable_contract_id'))

    op.drop_table('deliverable')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_status'))
        batch_op.drop_index(batch_op.f('ix_contract_solver_id'))
        batch_op.drop_index(batch_op.f('ix_contract_challenge_id'))

    op.drop_table('contract')
