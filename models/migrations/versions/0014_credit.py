"""Credit lists: government's watch list and blacklist entries with periods and appeals.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('creditlisting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('watch', 'blacklist', name='listkind', native_enum=False, length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('active', 'lifted', name='listingstatus', native_enum=False, length=32), nullable=False),
    sa.Column('appeal', sa.Enum('none', 'pending', 'upheld', 'granted', name='appealstatus', native_enum=False, length=32), nullable=False),
    sa.Column('appeal_text', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('appealed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('creditlisting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_creditlisting_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_creditlisting_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_creditlisting_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_creditlisting_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('creditlisting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creditlisting_user_id'))
        batch_op.drop_index(batch_op.f('ix_creditlisting_status'))
        batch_op.drop_index(batch_op.f('ix_creditlisting_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_creditlisting_kind'))

    op.drop_table('creditlisting')
