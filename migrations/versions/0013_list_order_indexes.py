"""list-order indexes: a person's sessions by performed_at, check-ins by recorded_at

The session and check-in lists (newest first, a page at a time) sorted the person's
whole history to find one page; with these indexes the database reads the page's rows
in order and stops, so the first page costs the same after five years as after one.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 07:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_stretch_session_user_performed', 'stretch_session',
                    ['user_id', 'performed_at'])
    op.create_index('ix_checkin_user_recorded', 'checkin', ['user_id', 'recorded_at'])


def downgrade():
    op.drop_index('ix_checkin_user_recorded', table_name='checkin')
    op.drop_index('ix_stretch_session_user_performed', table_name='stretch_session')
