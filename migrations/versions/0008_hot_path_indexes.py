"""hot-path indexes: the few session entries marked "made it worse"

Today and the log form ask which stretches a person marked as making pain worse; a
partial index over just those entries keeps that query from reading every entry of
the person's history (marked entries are rare).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 00:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_session_entry_worse', 'session_entry', ['session_id', 'stretch_id'],
                    sqlite_where=sa.text('worse = 1'), postgresql_where=sa.text('worse'))


def downgrade():
    op.drop_index('ix_session_entry_worse', table_name='session_entry')
