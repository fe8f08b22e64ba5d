"""Team and consortium bids: the members a lead names, each confirming.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bidmember',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('invited', 'confirmed', 'declined', name='memberstatus', native_enum=False, length=32), nullable=False),
    sa.Column('invited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['bid_id'], ['bid.id'], ),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bid_id', 'profile_id')
    )
    with op.batch_alter_table('bidmember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bidmember_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bidmember_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bidmember_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('bidmember', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bidmember_user_id'))
        batch_op.drop_index(batch_op.f('ix_bidmember_profile_id'))
        batch_op.drop_index(batch_op.f('ix_bidmember_bid_id'))

    op.drop_table('bidmember')
