"""Clarification of published challenges: questions with answers (答疑) and addenda (补充公告).

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('addendum',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('old_deadline', sa.Date(), nullable=True),
    sa.Column('new_deadline', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenge.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('addendum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_addendum_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('open', 'answered', 'hidden', name='questionstatus', native_enum=False, length=32), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answer_private', sa.Boolean(), nullable=False),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('hidden_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('hidden_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['asker_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenge.id'], ),
    sa.ForeignKeyConstraint(['hidden_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_asker_id'), ['asker_id'], unique=False)
        batch_op.create_index('ix_question_challenge_created', ['challenge_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index('ix_question_challenge_created')
        batch_op.drop_index(batch_op.f('ix_question_asker_id'))

    op.drop_table('question')
    with op.batch_alter_table('addendum', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_addendum_challenge_id'))

    op.drop_table('addendum')
