"""shl_link, shl_access: SMART Health Links and who opened them

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shl_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('manifest_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('days', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('passcode_hash', sa.String(length=255), nullable=True),
    sa.Column('failed_attempts', sa.SmallInteger(), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('jwe', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_shl_link_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shl_link')),
    sa.UniqueConstraint('manifest_hash', name=op.f('uq_shl_link_manifest_hash')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('shl_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shl_link_user_id'), ['user_id'], unique=False)

    op.create_table('shl_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('accessed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['shl_link.id'], name=op.f('fk_shl_access_link_id_shl_link'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_shl_access_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shl_access')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('shl_access', schema=None) as batch_op:
        batch_op.create_index('ix_shl_access_link_at', ['link_id', 'accessed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shl_access_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('shl_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shl_access_user_id'))
        batch_op.drop_index('ix_shl_access_link_at')

    op.drop_table('shl_access')
    with op.batch_alter_table('shl_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shl_link_user_id'))

    op.drop_table('shl_link')
