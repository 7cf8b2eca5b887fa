"""stretch.archived_at: a removed custom stretch that has sessions is archived

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 00:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


# Should SQLite ever rebuild the table (downgrade's drop_column does), it keeps 0004's
# AUTOINCREMENT: ids of people's rows are never reused.
KEEP_AUTOINCREMENT = {"table_kwargs": {"sqlite_autoincrement": True}}


def upgrade():
    with op.batch_alter_table('stretch', **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('stretch', **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_column('archived_at')
