"""Structured needs on a challenge: technical indicators, acceptance criteria, TRL sought, IP arrangement.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing challenges state none of these: empty, not stated, negotiable
    with op.batch_alter_table('challenge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acceptance_criteria', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('trl', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('ip_arrangement', sa.Enum('negotiable', 'assignment', 'licence', 'joint', name='iparrangement', native_enum=False, length=32), nullable=False, server_default='negotiable'))
        batch_op.add_column(sa.Column('indicators', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('challenge', schema=None) as batch_op:
        batch_op.drop_column('indicators')
        batch_op.drop_column('ip_arrangement')
        batch_op.drop_column('trl')
        batch_op.drop_column('acceptance_criteria')
