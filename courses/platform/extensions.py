"""Flask extensions, created unbound here and bound in create_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from courses.platform.rate_limit_keys import client_address

babel = Babel()
compress = Compress()
csrf = CSRFProtect()
htmx = HTMX()
login_manager = LoginManager()
limiter = Limiter(key_func=client_address, default_limits=[])
