"""Demo bank statements: the same month of Business Checking in the three formats Atlas
imports (CSV, OFX, CAMT.053), attached to the bank journal. Their lines pay two open demo
invoices (one names the invoice, one only the customer and the amount), meet two payments
already recorded with Record Payment, and one is unknown."""

import base64
from xml.sax.saxutils import escape

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.atlas_invoicing.demo.atlas_demo import BANK_NAME

# The opening balance of a bank account with no earlier statement line.
OPENING_BALANCE = 12500.0


class AtlasDemo(models.AbstractModel):
    _inherit = "atlas.demo"

    @api.model
    def _create_demo_bank_data(self):
        """The demo statements of the invoices atlas_invoicing's demo made (atlas_demo.py),
        once: a database that had them before the bank addon was split out keeps its own."""
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("name", "=", BANK_NAME), ("company_id", "=", self.env.company.id)], limit=1
        )
        if not bank or self.env["ir.attachment"].search_count(
            [("res_model", "=", "account.journal"), ("res_id", "=", bank.id), ("name", "like", "demo-statement")]
        ):
            return

        def demo_invoice(line_name):
            return self.env["account.move"].search(
                [("move_type", "=", "out_invoice"), ("invoice_line_ids.name", "=", line_name)], limit=1
            )

        self._create_demo_bank_statements(
            bank,
            sent=demo_invoice("IT support retainer"),
            exported=demo_invoice("Cloud backup, monthly"),
            partial=demo_invoice("Network audit"),
            paid=demo_invoice("Laptop setup"),
        )

    @api.model
    def _create_demo_bank_statements(self, bank, sent, exported, partial, paid):
        today = fields.Date.context_today(self)
        if not bank.bank_account_id:
            bank.bank_account_id = self.env["res.partner.bank"].create(
                {"acc_number": "000123456789", "partner_id": bank.company_id.partner_id.id}
            )
        mapping = self.env["account.statement.import.sheet.mapping"].create(
            self.env["account.statement.import.sheet.mapping"]._atlas_csv_layout(f"{BANK_NAME} CSV")
        )
        bank.default_sheet_mapping_id = mapping

        def days_ago(days):
            return today - relativedelta(days=days)

        # (date, description, reference, payer, amount, method)
        rows = sorted(
            [
                (days_ago(44), "ACH CREDIT BLUEBIRD DENTAL", "", paid.partner_id.name, paid.amount_total, "ACH"),
                (days_ago(18), "CHECK DEPOSIT 1042", "", partial.partner_id.name, 800.0, "Check"),
                (days_ago(3), f"ACH CREDIT {sent.name}", "", sent.partner_id.name, sent.amount_residual, "ACH"),
                (days_ago(2), "INCOMING WIRE", "", exported.partner_id.name, exported.amount_residual, "Wire Transfer"),
                (days_ago(1), "ZELLE FROM J SMITH", "", "J Smith", 250.0, ""),
            ]
        )
        opening = self._demo_opening_balance(bank, rows[0][0])
        closing = opening + sum(row[4] for row in rows)
        files = {
            "demo-statement.csv": self._demo_csv(rows, opening),
            "demo-statement.ofx": self._demo_ofx(rows, bank.bank_account_id.acc_number, closing),
            "demo-statement-camt053.xml": self._demo_camt(rows, bank.bank_account_id.acc_number, opening, closing),
        }
        self.env["ir.attachment"].create(
            [
                {
                    "name": name,
                    "datas": base64.b64encode(content),
                    "res_model": "account.journal",
                    "res_id": bank.id,
                }
                for name, content in files.items()
            ]
        )

    @api.model
    def _demo_opening_balance(self, bank, first_date):
        """The bank's balance before the statement's first day, from the journal's earlier
        statements (Odoo's own demo statement, when its demo data is there): the demo
        statement follows on from them, as a bank's next statement does."""
        balance = self.env["account.bank.statement"]._atlas_balance_before(bank, first_date)
        return OPENING_BALANCE if balance is None else balance

    @api.model
    def _demo_csv(self, rows, opening):
        lines = ["Date,Description,Reference,Payer,Amount,Balance,Method"]
        balance = opening
        for date, description, reference, payer, amount, method in rows:
            balance += amount
            lines.append(f"{date},{description},{reference},{payer},{amount:.2f},{balance:.2f},{method}")
        return ("\n".join(lines) + "\n").encode()

    @api.model
    def _demo_ofx(self, rows, account, closing):
        transactions = "".join(
            f"""
          <STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>{date:%Y%m%d}</DTPOSTED><TRNAMT>{amount:.2f}</TRNAMT>
            <FITID>DEMO-{index:04d}</FITID><NAME>{escape(payer)}</NAME><MEMO>{escape(description)}</MEMO></STMTTRN>"""
            for index, (date, description, _reference, payer, amount, _method) in enumerate(rows, start=1)
        )
        return f"""<?xml version="1.0" encoding="ASCII"?>
<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
    <DTSERVER>{rows[-1][0]:%Y%m%d}</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
  <BANKMSGSRSV1><STMTTRNRS><TRNUID>0</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
    <STMTRS><CURDEF>USD</CURDEF>
      <BANKACCTFROM><BANKID>021000021</BANKID><ACCTID>{escape(account)}</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
      <BANKTRANLIST><DTSTART>{rows[0][0]:%Y%m%d}</DTSTART><DTEND>{rows[-1][0]:%Y%m%d}</DTEND>{transactions}
      </BANKTRANLIST>
      <LEDGERBAL><BALAMT>{closing:.2f}</BALAMT><DTASOF>{rows[-1][0]:%Y%m%d}</DTASOF></LEDGERBAL>
    </STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
""".encode()

    @api.model
    def _demo_camt(self, rows, account, opening, closing):
        def balance(code, amount, date):
            return f"""<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="USD">{amount:.2f}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{date}</Dt></Dt></Bal>"""

        entries = "".join(
            f"""
      <Ntry><Amt Ccy="USD">{amount:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>{date}</Dt></BookgDt><ValDt><Dt>{date}</Dt></ValDt><AcctSvcrRef>DEMO-{index:04d}</AcctSvcrRef>
        <NtryDtls><TxDtls><Refs><AcctSvcrRef>DEMO-{index:04d}</AcctSvcrRef></Refs>
          <RltdPties><Dbtr><Nm>{escape(payer)}</Nm></Dbtr></RltdPties>
          <RmtInf><Ustrd>{escape(description)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
            for index, (date, description, _reference, payer, amount, _method) in enumerate(rows, start=1)
        )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>ATLAS-DEMO</MsgId><CreDtTm>{rows[-1][0]}T18:00:00</CreDtTm></GrpHdr>
    <Stmt><Id>DEMO-{rows[-1][0]:%Y-%m}</Id><CreDtTm>{rows[-1][0]}T18:00:00</CreDtTm>
      <Acct><Id><Othr><Id>{escape(account)}</Id></Othr></Id><Ccy>USD</Ccy></Acct>
      {balance("OPBD", opening, rows[0][0])}
      {balance("CLBD", closing, rows[-1][0])}{entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()
