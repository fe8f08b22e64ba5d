"""Ratings of a completed contract by both parties (for their track records).

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('ratee_user_id', sa.Integer(), nullable=True),
    sa.Column('ratee_organisation_id', sa.Integer(), nullable=True),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['ratee_organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['ratee_user_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['rater_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'rater_id')
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_ratee_organisation_id'), ['ratee_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_ratee_user_id'), ['ratee_user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_ratee_user_id'))
        batch_op.drop_index(batch_op.f('ix_rating_ratee_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_rating_contract_id'))

    op.drop_table('rating')
