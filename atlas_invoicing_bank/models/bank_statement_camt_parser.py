from lxml import etree

from odoo import models

from ..tools.statement_file import declares_dtd, safe_xml_root


class AccountStatementImportCamtParser(models.AbstractModel):
    _inherit = "account.statement.import.camt.parser"

    def parse(self, data):
        # EXTENDS account_statement_import_camt: OCA reads the file with lxml's default parser,
        # which (lxml 4) resolves external entities: a file could make it read the server's
        # files. The file is read here with no DTD, no entity and no network, and OCA gets the
        # same document back as plain XML. A file that declares a DOCTYPE is no bank's: it is
        # refused (the import refuses it before, in open_statement_file, with its message).
        if declares_dtd(data):
            raise ValueError("The file declares a DOCTYPE or entities: it is not a plain CAMT statement.")
        root = safe_xml_root(data)
        if root is None:
            raise ValueError("Not a valid xml file, or not an xml file at all.")
        return super().parse(etree.tostring(root, encoding="utf-8", xml_declaration=True))
