"""Expert review panels (专家评审): reviews and reviewer assignments; profiles flagged as experts; challenges
that may be awarded to several bids in parallel (赛马制).

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('per_bid', sa.Integer(), nullable=False),
    sa.Column('max_load', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('pair_cap', sa.Float(), nullable=True),
    sa.Column('standardise', sa.Boolean(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'open', 'closed', name='reviewstatus', native_enum=False, length=32), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('best_total', sa.Float(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenge.id'], ),
    sa.ForeignKeyConstraint(['organiser_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('challenge_id')
    )
    op.create_table('reviewassignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('match', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'confirmed', 'done', 'conflict', name='assignmentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('conflict_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['bid_id'], ['bid.id'], ),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], ),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_id', 'bid_id', 'profile_id')
    )
    with op.batch_alter_table('reviewassignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviewassignment_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewassignment_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewassignment_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewassignment_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('challenge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_awards', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expert', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.drop_column('expert')

    with op.batch_alter_table('challenge', schema=None) as batch_op:
        batch_op.drop_column('max_awards')

    with op.batch_alter_table('reviewassignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewassignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_reviewassignment_review_id'))
        batch_op.drop_index(batch_op.f('ix_reviewassignment_profile_id'))
        batch_op.drop_index(batch_op.f('ix_reviewassignment_bid_id'))

    op.drop_table('reviewassignment')
    op.drop_table('review')
