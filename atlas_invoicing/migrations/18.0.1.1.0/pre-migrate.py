"""Bank statements moved from atlas_invoicing to its own addon, atlas_invoicing_bank.

Their records (menus, views, actions, access rights, the import wizard's model, the fields
Atlas adds to bank lines, journals and companies, and their constraint) are handed over to
atlas_invoicing_bank before atlas_invoicing updates, and atlas_invoicing_bank is installed in
the same run: otherwise the update would delete them as records atlas_invoicing no longer
declares, dropping the columns that hold each bank line's match and each journal's setting.
A database whose Odoo can't find atlas_invoicing_bank (only the atlas_invoicing wheel
installed) keeps everything with atlas_invoicing and loses the bank screens, as an uninstall of
them would: the log says so.
"""

import logging

_logger = logging.getLogger(__name__)

OLD = "atlas_invoicing"
NEW = "atlas_invoicing_bank"

# The models whose Atlas fields (and their selection values) moved: every field Atlas adds to
# them is the bank addon's.
MOVED_FIELD_MODELS = (
    "account.bank.statement",
    "account.bank.statement.line",
    "account.reconcile.model",
    "account.statement.import",
    "account.statement.import.sheet.mapping",
    "account.statement.import.sheet.parser",
    "atlas.statement.import",
)
MOVED_FIELDS = (
    "field_account_journal__atlas_auto_confirm",
    "field_res_company__atlas_statement_file_limit_mb",
    "field_res_config_settings__atlas_statement_file_limit_mb",
)
MOVED_RECORDS = (
    "model_atlas_statement_import",
    "constraint_res_company_atlas_statement_file_limit_mb_positive",
    "atlas_bank_line_view_list",
    "atlas_bank_line_view_search",
    "action_atlas_bank_lines",
    "action_atlas_matching_rules",
    "action_atlas_csv_mappings",
    "atlas_view_account_journal_form",
    "atlas_sheet_mapping_view_form",
    "atlas_statement_import_view_form",
    "action_atlas_statement_import",
    "menu_atlas_banking",
    "menu_atlas_statement_import",
    "menu_atlas_bank_lines",
    "menu_atlas_bank_statements",
    "menu_atlas_bank_rules",
    "menu_atlas_bank_mappings",
    "access_atlas_statement_import_bookkeeper",
    "access_account_statement_import_atlas_bookkeeper",
    "access_account_statement_import_sheet_parser_atlas_bookkeeper",
    "access_account_statement_import_sheet_mapping_atlas_bookkeeper",
    "access_account_statement_import_sheet_mapping_atlas_accountant",
    "access_account_bank_statement_atlas_bookkeeper",
    "access_account_bank_statement_line_atlas_bookkeeper",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT id, state FROM ir_module_module WHERE name = %s", [NEW])
    row = cr.fetchone()
    if not row:
        _logger.warning(
            "%s is not on the addons path: Atlas's bank statement screens are removed with this update "
            "(install the odoo-addon-%s wheel and update again to keep them)",
            NEW,
            NEW,
        )
        return
    new_id, state = row
    prefixes = [
        f"{kind}__{model.replace('.', '_')}__%" for model in MOVED_FIELD_MODELS for kind in ("field", "selection")
    ]
    cr.execute(
        """UPDATE ir_model_data SET module = %s
            WHERE module = %s AND (name IN %s OR name LIKE ANY(%s))""",
        [NEW, OLD, MOVED_RECORDS + MOVED_FIELDS, prefixes],
    )
    _logger.info("%s records handed over to %s", cr.rowcount, NEW)
    cr.execute(
        """UPDATE ir_model_constraint SET module = %s
            WHERE module = (SELECT id FROM ir_module_module WHERE name = %s)
              AND name = 'res_company_atlas_statement_file_limit_mb_positive'""",
        [new_id, OLD],
    )
    cr.execute(
        """UPDATE ir_model_relation SET module = %s
            WHERE module = (SELECT id FROM ir_module_module WHERE name = %s)
              AND model IN (SELECT id FROM ir_model WHERE model = 'atlas.statement.import')""",
        [new_id, OLD],
    )
    if state == "uninstalled":
        # Loaded in this same run, after the installed modules (odoo.modules.loading).
        cr.execute("UPDATE ir_module_module SET state = 'to install' WHERE id = %s", [new_id])
