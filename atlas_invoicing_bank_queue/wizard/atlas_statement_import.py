from odoo import fields, models


class AtlasStatementImport(models.TransientModel):
    _inherit = "atlas.statement.import"

    background_line_count = fields.Integer(string="Importing in the Background", readonly=True)
    background_progress = fields.Char(readonly=True)

    def _atlas_run_import(self):
        # EXTENDS atlas_invoicing_bank: a long file's lines are imported by jobs; the dialog
        # says so, and where to follow them (the statement).
        result = super()._atlas_run_import()
        self.write(
            {
                "background_line_count": result.get("background_line_count", 0),
                "background_progress": "; ".join(item["message"] for item in result.get("importing", [])),
            }
        )
        return result
