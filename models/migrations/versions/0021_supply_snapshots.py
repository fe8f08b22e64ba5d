"""Supply snapshots: what the platform could offer each challenge when it was published (the capability-gap view).

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('supplysnapshot',
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('solvers_strong', sa.Integer(), nullable=False),
    sa.Column('solvers_fair', sa.Integer(), nullable=False),
    sa.Column('solvers_in_region', sa.Integer(), nullable=False),
    sa.Column('managers_strong', sa.Integer(), nullable=False),
    sa.Column('commissioners_strong', sa.Integer(), nullable=False),
    sa.Column('achievements_strong', sa.Integer(), nullable=False),
    sa.Column('measured_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenge.id'], ),
    sa.PrimaryKeyConstraint('challenge_id')
    )


def downgrade() -> None:
    op.drop_table('supplysnapshot')
