"""Every model, imported in one place so the metadata is complete for Alembic."""
from tracker.auth.models import ApiToken, User  # noqa: F401
from tracker.logbook.models import (  # noqa: F401
    Checkin, DeletedRecord, SessionEntry, Stretch, StretchSession)
from tracker.programs.models import Program  # noqa: F401
from tracker.flareups.models import FlareUp  # noqa: F401
from tracker.psfs.models import PsfsActivity, PsfsRating, PsfsScore  # noqa: F401
from tracker.sharing.models import Share  # noqa: F401
from tracker.shl.models import ShlAccess, ShlLink  # noqa: F401
from tracker.reminders.models import (  # noqa: F401
    PushSubscription, Reminder, ReminderDelivery, SchedulerHeartbeat)
from tracker.rate_limit_storage import RateLimitCounter  # noqa: F401
