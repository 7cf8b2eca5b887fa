"""accounts hardening: ids never reused on SQLite, a random session secret per user

Every table that holds a person's data is rebuilt on SQLite with AUTOINCREMENT, so a
deleted row's id (above all a deleted user's) is never given to a new one.
PostgreSQL's sequences never reuse ids, so there only the columns change.
``user.session_version`` (1 for everyone) gives way to ``user.session_token``, a
random secret that cookie sessions carry instead of the bare id.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 00:10:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# Children before parents is not needed (foreign keys are off while rebuilding),
# but rebuilding parents last keeps the order readable.
PERSONAL_TABLES = ("session_entry", "stretch_session", "checkin", "deleted_record",
                   "api_token", "stretch", "user")


def _sqlite_foreign_keys(bind, on: bool) -> None:
    """SQLite ignores ``PRAGMA foreign_keys`` inside a transaction, and with foreign
    keys on, dropping the old copy of a rebuilt table would cascade-delete its
    children. So: end the transaction, switch, start a new one (SQLite's documented
    procedure for rebuilding tables); the DB-API connection runs in autocommit mode
    (see tracker.extensions), so these statements are ours to issue."""
    raw = bind.connection.dbapi_connection
    if raw.in_transaction:
        raw.execute("COMMIT")
    raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    raw.execute("BEGIN IMMEDIATE")


def _fill_session_tokens(bind) -> None:
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    ids = bind.execute(sa.select(user.c.id)).scalars().all()
    for user_id in ids:
        bind.execute(user.update().where(user.c.id == user_id)
                     .values(session_token=secrets.token_urlsafe(32)))


def upgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column('user', sa.Column('session_token', sa.String(length=64), nullable=True))
    _fill_session_tokens(bind)
    if sqlite:
        _sqlite_foreign_keys(bind, on=False)
    for table in PERSONAL_TABLES:
        kwargs = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}} \
            if sqlite else {}
        with op.batch_alter_table(table, **kwargs) as batch_op:
            if table == "user":
                batch_op.alter_column('session_token', existing_type=sa.String(length=64),
                                      nullable=False)
                batch_op.create_unique_constraint(batch_op.f('uq_user_session_token'),
                                                  ['session_token'])
                batch_op.drop_column('session_version')
    if sqlite:
        problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign keys broken by the rebuild: {problems[:5]}")
        _sqlite_foreign_keys(bind, on=True)


def downgrade():
    # AUTOINCREMENT stays on SQLite: harmless, and a rebuild would only cost time.
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(bind, on=False)
    with op.batch_alter_table('user') as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='1'))
    with op.batch_alter_table('user') as batch_op:
        batch_op.alter_column('session_version', existing_type=sa.Integer(),
                              server_default=None)
        batch_op.drop_constraint(batch_op.f('uq_user_session_token'), type_='unique')
        batch_op.drop_column('session_token')
    if sqlite:
        _sqlite_foreign_keys(bind, on=True)
