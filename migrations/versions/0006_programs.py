"""the straight-leg-raise programme (one active per user)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 00:01:49.257216

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('program',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('affected_leg', sa.String(length=5), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('length_days', sa.SmallInteger(), nullable=False),
    sa.Column('status', sa.String(length=6), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("affected_leg IN ('left', 'right')", name=op.f('ck_program_affected_leg')),
    sa.CheckConstraint("status IN ('active', 'ended')", name=op.f('ck_program_status')),
    sa.CheckConstraint('length_days BETWEEN 7 AND 10', name=op.f('ck_program_length_days')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_program_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.create_index('ix_program_user_start', ['user_id', 'start_date'], unique=False)
        batch_op.create_index('uq_program_one_active', ['user_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))



def downgrade():
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.drop_index('uq_program_one_active', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('ix_program_user_start')

    op.drop_table('program')
