"""The day both parties were told a contract milestone is overdue (told once).

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deliverable', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overdue_noticed_on', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('deliverable', schema=None) as batch_op:
        batch_op.drop_column('overdue_noticed_on')

