"""An index on curator decisions' reject reason: every candidates page looks up the profiles rejected as a
conflict of interest on any of the enterprise's challenges, which scanned every decision ever made.

Revision ID: 0024
Revises: 0023
"""
from alembic import op


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('curatordecision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_curatordecision_reject_reason'), ['reject_reason'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('curatordecision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_curatordecision_reject_reason'))
