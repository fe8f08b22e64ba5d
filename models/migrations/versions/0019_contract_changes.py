"""Change requests to contracts under way (a new end date and due dates), answered by the other party.

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contractchange',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('dues', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'accepted', 'declined', name='changestatus', native_enum=False, length=32), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['decided_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['requested_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contractchange', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contractchange_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index('uq_change_open_per_contract', ['contract_id'], unique=True, sqlite_where=sa.text("status = 'proposed'"), postgresql_where=sa.text("status = 'proposed'"))



def downgrade() -> None:
    with op.batch_alter_table('contractchange', schema=None) as batch_op:
        batch_op.drop_index('uq_change_open_per_contract', sqlite_where=sa.text("status = 'proposed'"), postgresql_where=sa.text("status = 'proposed'"))
        batch_op.drop_index(batch_op.f('ix_contractchange_contract_id'))

    op.drop_table('contractchange')
