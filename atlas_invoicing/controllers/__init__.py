from . import atlas_report_export
