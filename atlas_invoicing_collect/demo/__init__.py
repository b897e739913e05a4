from . import atlas_collect_demo
