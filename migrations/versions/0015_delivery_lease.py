"""reminder_delivery: claimed_at and claims, for re-sending a claim whose sender died

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claims', sa.SmallInteger(), server_default='1',
                                      nullable=False))
        batch_op.create_index('ix_reminder_delivery_status_claimed', ['status', 'claimed_at'],
                              unique=False)
    # Claims made before the lease existed were made when their rows were.
    op.execute("UPDATE reminder_delivery SET claimed_at = created_at")


def downgrade():
    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_delivery_status_claimed')
        batch_op.drop_column('claims')
        batch_op.drop_column('claimed_at')
