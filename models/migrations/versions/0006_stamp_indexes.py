"""Indexes for what every ranking and list view reads: the version stamps (max of updated_at / created_at)
and the few people who may not be ranked (inactive, not active members, of unverified organisations).

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_challenge_updated_at'), 'challenge', ['updated_at'], unique=False)
    op.create_index(op.f('ix_profile_updated_at'), 'profile', ['updated_at'], unique=False)
    op.create_index(op.f('ix_achievement_created_at'), 'achievement', ['created_at'], unique=False)
    op.create_index(op.f('ix_user_active'), 'user', ['active'], unique=False)
    op.create_index(op.f('ix_user_membership'), 'user', ['membership'], unique=False)
    op.create_index(op.f('ix_organisation_status'), 'organisation', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_organisation_status'), table_name='organisation')
    op.drop_index(op.f('ix_user_membership'), table_name='user')
    op.drop_index(op.f('ix_user_active'), table_name='user')
    op.drop_index(op.f('ix_achievement_created_at'), table_name='achievement')
    op.drop_index(op.f('ix_profile_updated_at'), table_name='profile')
    op.drop_index(op.f('ix_challenge_updated_at'), table_name='challenge')
