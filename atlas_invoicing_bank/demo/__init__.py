from . import atlas_demo_bank
