from . import atlas_demo
