from . import controllers
from . import models
from . import wizard
from . import demo
from .hooks import post_init_hook, uninstall_hook
