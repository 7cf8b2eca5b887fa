"""built-in stretch library

Revision ID: 0002
Revises: 0001
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from tracker.catalog import BUILTIN_STRETCHES

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

stretch = sa.table(
    'stretch',
    sa.column('owner_id', sa.Integer), sa.column('slug', sa.String),
    sa.column('name', sa.String), sa.column('spine', sa.String),
    sa.column('hold_seconds', sa.SmallInteger), sa.column('reps', sa.SmallInteger),
    sa.column('per_side', sa.Boolean), sa.column('needs_helper', sa.Boolean),
    sa.column('measures_angle', sa.Boolean), sa.column('instructions', sa.JSON),
    sa.column('cautions', sa.JSON), sa.column('created_at', sa.DateTime(timezone=True)),
)


def upgrade():
    now = datetime.now(timezone.utc)
    op.bulk_insert(stretch, [
        {**s.as_row(), 'owner_id': None, 'created_at': now} for s in BUILTIN_STRETCHES
    ])


def downgrade():
    op.execute(stretch.delete().where(stretch.c.owner_id.is_(None)))
