"""Embeddings: one vector per profile text, profile document and challenge, computed by background jobs and fused
with the lexical ranking (and achievements); jobs get a priority (bulk embedding never delays mail).

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('embedding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Enum('profile', 'document', 'challenge', 'achievement', name='subject', native_enum=False, length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject', 'subject_id')
    )
    with op.batch_alter_table('embedding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_embedding_subject_id'), ['subject_id'], unique=False)
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('priority')
    with op.batch_alter_table('embedding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_embedding_subject_id'))

    op.drop_table('embedding')
