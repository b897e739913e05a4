from . import atlas_report_export
from . import report
