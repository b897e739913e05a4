from . import statement_file
