"""Indexes the challenge list's sorts walk (status, then the sort column), so a page of 20 does not read
and sort every published challenge; one holding every column the dashboard counts by or filters on, and
bids by challenge and time, so the dashboard's queries read indexes, not the long challenge rows.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

INDEXES = {"ix_challenge_status_published_at": ["status", "published_at"],
           "ix_challenge_status_deadline": ["status", "deadline"],
           "ix_challenge_status_budget": ["status", "budget"],
           "ix_challenge_figures": ["published_at", "awarded_at", "organisation_id", "field", "region", "status",
                                    "created_at"]}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, 'challenge', columns, unique=False)
    op.create_index('ix_bid_challenge_created', 'bid', ['challenge_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_bid_challenge_created', table_name='bid')
    for name in INDEXES:
        op.drop_index(name, table_name='challenge')
