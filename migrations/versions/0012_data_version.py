"""user.data_version: raised with every change to a person's log data

Caches of figures derived from a person's data (Today, progress) key on it, so a
cache hit costs no query and a write makes every cached figure of theirs unreachable.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


# Should SQLite ever rebuild the table (downgrade's drop_column does), it keeps 0004's
# AUTOINCREMENT: ids of people's rows are never reused.
KEEP_AUTOINCREMENT = {"table_kwargs": {"sqlite_autoincrement": True}}


def upgrade():
    with op.batch_alter_table('user', **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('data_version', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('user', **KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_column('data_version')
