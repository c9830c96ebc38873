"""Flask extensions, created unbound and initialised in ``create_app``."""

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from wellbeing.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# The base class of our models. Flask-SQLAlchemy builds ``db.Model`` at run time, which type
# checkers cannot follow; to them it is our declarative ``Base``, which it extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
