"""psfs_activity, psfs_rating, psfs_score: the Patient-Specific Functional Scale

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('psfs_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_psfs_activity_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_psfs_activity')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('psfs_activity', schema=None) as batch_op:
        batch_op.create_index('ix_psfs_activity_user_active', ['user_id', 'active'], unique=False)

    op.create_table('psfs_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_psfs_rating_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_psfs_rating')),
    sa.UniqueConstraint('user_id', 'client_id', name=op.f('uq_psfs_rating_user_id_client_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('psfs_rating', schema=None) as batch_op:
        batch_op.create_index('ix_psfs_rating_user_rated', ['user_id', 'rated_at'], unique=False)

    op.create_table('psfs_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 10', name=op.f('ck_psfs_score_score')),
    sa.ForeignKeyConstraint(['activity_id'], ['psfs_activity.id'], name=op.f('fk_psfs_score_activity_id_psfs_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rating_id'], ['psfs_rating.id'], name=op.f('fk_psfs_score_rating_id_psfs_rating'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_psfs_score_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_psfs_score')),
    sa.UniqueConstraint('rating_id', 'activity_id', name=op.f('uq_psfs_score_rating_id_activity_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('psfs_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_psfs_score_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_psfs_score_rating_id'), ['rating_id'], unique=False)


def downgrade():
    with op.batch_alter_table('psfs_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_psfs_score_rating_id'))
        batch_op.drop_index(batch_op.f('ix_psfs_score_activity_id'))
    op.drop_table('psfs_score')

    with op.batch_alter_table('psfs_rating', schema=None) as batch_op:
        batch_op.drop_index('ix_psfs_rating_user_rated')
    op.drop_table('psfs_rating')

    with op.batch_alter_table('psfs_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_psfs_activity_user_active')
    op.drop_table('psfs_activity')
