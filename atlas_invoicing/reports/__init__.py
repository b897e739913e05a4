from . import report_atlas_financial
