"""A subsidy tranche may be bound to a contract milestone (released only after it is accepted).

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deliverable_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_milestone_deliverable_id', 'deliverable', ['deliverable_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_constraint('fk_milestone_deliverable_id', type_='foreignkey')
        batch_op.drop_column('deliverable_id')

