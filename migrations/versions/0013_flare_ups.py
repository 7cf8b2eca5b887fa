"""flare_up: a pause of the programme, streak and reminders while pain flares

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('flare_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_flare_up_dates')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_flare_up_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flare_up')),
    sa.UniqueConstraint('user_id', 'start_date', name=op.f('uq_flare_up_user_id_start_date')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('flare_up', schema=None) as batch_op:
        batch_op.create_index('ix_flare_up_user_end', ['user_id', 'end_date'], unique=False)


def downgrade():
    with op.batch_alter_table('flare_up', schema=None) as batch_op:
        batch_op.drop_index('ix_flare_up_user_end')

    op.drop_table('flare_up')
