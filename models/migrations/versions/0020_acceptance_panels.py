"""验收 panels: an expert panel on a contract's final milestone and its panellists' verdicts.

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('acceptancereview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='acceptancestatus', native_enum=False, length=32), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('outcome', sa.Enum('complete', 'return', 'terminate', name='outcome', native_enum=False, length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenge.id'], ),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['deliverable_id'], ['deliverable.id'], ),
    sa.ForeignKeyConstraint(['organiser_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'round')
    )
    with op.batch_alter_table('acceptancereview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acceptancereview_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acceptancereview_contract_id'), ['contract_id'], unique=False)

    op.create_table('acceptanceassignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('acceptance_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('match', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'confirmed', 'done', 'conflict', name='assignmentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('verdicts', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('conclusion', sa.Enum('pass', 'fail', name='conclusion', native_enum=False, length=32), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('conflict_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['acceptance_id'], ['acceptancereview.id'], ),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('acceptance_id', 'profile_id')
    )
    with op.batch_alter_table('acceptanceassignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acceptanceassignment_acceptance_id'), ['acceptance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acceptanceassignment_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acceptanceassignment_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('acceptanceassignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acceptanceassignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_acceptanceassignment_profile_id'))
        batch_op.drop_index(batch_op.f('ix_acceptanceassignment_acceptance_id'))

    op.drop_table('acceptanceassignment')
    with op.batch_alter_table('acceptancereview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acceptancereview_contract_id'))
        batch_op.drop_index(batch_op.f('ix_acceptancereview_challenge_id'))

    op.drop_table('acceptancereview')
