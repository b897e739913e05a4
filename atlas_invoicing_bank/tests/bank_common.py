import base64

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon

CSV_HEADER = "Date,Description,Reference,Payer,Amount,Balance,Method"
ACCOUNT_NUMBER = "000123456789"


class AtlasBankCommon(AtlasTestCommon):
    """A bank journal with its account number, a CSV mapping, and files made in the test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        cls.bank_account = cls.bank.default_account_id
        cls.receivable = cls.company_data["default_account_receivable"]
        partner_bank = cls.env["res.partner.bank"].create(
            {"acc_number": ACCOUNT_NUMBER, "partner_id": cls.company_data["company"].partner_id.id}
        )
        cls.bank.bank_account_id = partner_bank
        cls.mapping = cls.env["account.statement.import.sheet.mapping"].create(
            cls.env["account.statement.import.sheet.mapping"]._atlas_csv_layout("Business Checking CSV")
        )
        cls.bluebird = cls.env["res.partner"].create({"name": "Bluebird Dental Clinic", "customer_rank": 1})

    # -------------------------------------------------------------------------
    # Files
    # -------------------------------------------------------------------------

    @staticmethod
    def _csv(rows, start=0.0, newest_first=False):
        """rows: (date, description, reference, payer, amount, method), oldest first; the running
        balance column is computed from ``start``. ``newest_first`` lists them the other way
        round, as many banks export them."""
        balance = start
        lines = []
        for date, description, reference, payer, amount, method in rows:
            balance += amount
            lines.append(f"{date},{description},{reference},{payer},{amount:.2f},{balance:.2f},{method}")
        if newest_first:
            lines.reverse()
        return ("\n".join([CSV_HEADER, *lines]) + "\n").encode()

    @staticmethod
    def _ofx(transactions, balance, account=ACCOUNT_NUMBER, currency="USD"):
        """transactions: (fitid, date YYYYMMDD, amount, name, memo)"""
        body = "".join(
            f"""
          <STMTTRN>
            <TRNTYPE>CREDIT</TRNTYPE>
            <DTPOSTED>{date}</DTPOSTED>
            <TRNAMT>{amount:.2f}</TRNAMT>
            <FITID>{fitid}</FITID>
            <NAME>{name}</NAME>
            <MEMO>{memo}</MEMO>
          </STMTTRN>"""
            for fitid, date, amount, name, memo in transactions
        )
        return f"""<?xml version="1.0" encoding="ASCII"?>
<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
  <DTSERVER>20260228120000</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
  <BANKMSGSRSV1><STMTTRNRS><TRNUID>0</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
    <STMTRS>
      <CURDEF>{currency}</CURDEF>
      <BANKACCTFROM><BANKID>021000021</BANKID><ACCTID>{account}</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
      <BANKTRANLIST><DTSTART>20260201</DTSTART><DTEND>20260228</DTEND>{body}
      </BANKTRANLIST>
      <LEDGERBAL><BALAMT>{balance:.2f}</BALAMT><DTASOF>20260228</DTASOF></LEDGERBAL>
    </STMTRS>
  </STMTTRNRS></BANKMSGSRSV1>
</OFX>
""".encode()

    @staticmethod
    def _camt(entries, start, end, account=ACCOUNT_NUMBER, currency="USD"):
        """entries: (date, amount, reference text, debtor name, bank reference)"""

        def balance(code, amount):
            indicator = "CRDT" if amount >= 0 else "DBIT"
            return f"""<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>
                <Amt Ccy="{currency}">{abs(amount):.2f}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>
                <Dt><Dt>2026-02-28</Dt></Dt></Bal>"""

        ntries = "".join(
            f"""<Ntry>
                <Amt Ccy="{currency}">{abs(amount):.2f}</Amt>
                <CdtDbtInd>{"CRDT" if amount >= 0 else "DBIT"}</CdtDbtInd>
                <Sts>BOOK</Sts>
                <BookgDt><Dt>{date}</Dt></BookgDt>
                <ValDt><Dt>{date}</Dt></ValDt>
                <AcctSvcrRef>{bank_ref}</AcctSvcrRef>
                <NtryDtls><TxDtls>
                    <Refs><AcctSvcrRef>{bank_ref}</AcctSvcrRef></Refs>
                    <RltdPties><Dbtr><Nm>{debtor}</Nm></Dbtr></RltdPties>
                    <RmtInf><Ustrd>{text}</Ustrd></RmtInf>
                </TxDtls></NtryDtls>
            </Ntry>"""
            for date, amount, text, debtor, bank_ref in entries
        )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>ATLAS-TEST-1</MsgId><CreDtTm>2026-02-28T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2026-02</Id>
      <CreDtTm>2026-02-28T18:00:00</CreDtTm>
      <Acct><Id><Othr><Id>{account}</Id></Othr></Id><Ccy>{currency}</Ccy></Acct>
      {balance("OPBD", start)}
      {balance("CLBD", end)}
      {ntries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()

    # -------------------------------------------------------------------------
    # Calls
    # -------------------------------------------------------------------------

    def _import(self, content, file_name, mapping=None, user="bookkeeper"):
        return (
            self.env["account.bank.statement"]
            .with_user(self.users[user])
            .atlas_import_statement(
                self.bank.id, base64.b64encode(content).decode(), file_name, mapping.id if mapping else None
            )
        )

    def _sent_invoice(self, price, partner=None):
        invoice = self._create_invoice(price=price, partner=partner)
        invoice.action_atlas_mark_sent()
        return invoice

    def _lines(self, result):
        return self.env["account.bank.statement.line"].browse([line["id"] for line in result["lines"]])

    def _bank_balance(self):
        self.env.flush_all()
        lines = self.env["account.move.line"].search(
            [("account_id", "=", self.bank_account.id), ("parent_state", "=", "posted")]
        )
        return round(sum(lines.mapped("balance")), 2)
