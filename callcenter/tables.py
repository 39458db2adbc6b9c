"""Every feature's tables on the one metadata: what alembic compares and migrates.

Importing this module registers all tables on `callcenter.core.tables.Base.metadata`
whichever feature's store was imported first.
"""

from callcenter.appeals import tables as appeals
from callcenter.callbacks import tables as callbacks
from callcenter.calls import tables as calls
from callcenter.contractors import tables as contractors
from callcenter.core.tables import Base
from callcenter.delivery import tables as delivery
from callcenter.duty import tables as duty
from callcenter.mail import tables as mail
from callcenter.open311 import tables as open311
from callcenter.outages import tables as outages
from callcenter.pops import tables as pops
from callcenter.recordings import tables as recordings
from callcenter.routing import tables as routing
from callcenter.users import tables as users

metadata = Base.metadata

__all__ = ["appeals", "callbacks", "calls", "contractors", "delivery", "duty", "mail",
           "metadata", "open311", "outages", "pops", "recordings", "routing", "users"]
