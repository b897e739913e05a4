from . import atlas_demo
from . import atlas_demo_bank
