from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user


@tagged("post_install", "-at_install")
class TestBankDemo(TransactionCase):
    """The demo's bank statements (installed with the demo data, as the test command installs
    the addon): a Bookkeeper imports one, the invoices it pays become Paid, the payments it
    meets get no second entry, the unknown line stays open."""

    def setUp(self):
        super().setUp()
        self.attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "account.journal"), ("name", "like", "demo-statement")]
        )
        self.assertEqual(len(self.attachments), 3, "the demo data has a statement in each format")
        self.bank = self.env["account.journal"].browse(self.attachments[0].res_id)
        self.bookkeeper = new_test_user(
            self.env, login="demo_bank_bookkeeper", groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper"
        )

    def _import_and_confirm(self, name):
        attachment = self.attachments.filtered(lambda a: a.name == name)
        Statement = self.env["account.bank.statement"].with_user(self.bookkeeper)
        payments_before = self.env["account.payment"].search_count([])
        result = Statement.atlas_import_statement(self.bank.id, attachment.datas.decode(), name)
        self.assertEqual((result["line_count"], result["duplicates"]), (5, 0))
        matches = sorted(line["match"] or "" for line in result["lines"])
        self.assertEqual(matches, ["", "customer_amount", "payment", "payment", "reference"])
        # It follows on from the journal's earlier statements (Odoo's own demo statement): its
        # start is their end, so the statement is valid (not flagged red), and complete.
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        earlier = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", self.bank.id), ("id", "not in", statement.line_ids.ids)]
        )
        earlier = earlier.filtered(lambda line: line.date < min(statement.line_ids.mapped("date")))
        self.assertAlmostEqual(statement.balance_start, sum(earlier.mapped("amount")) if earlier else 12500.0)
        self.assertRecordValues(statement, [{"is_valid": True, "is_complete": True, "problem_description": False}])
        lines = self.env["account.bank.statement.line"].browse([line["id"] for line in result["lines"]])
        invoices = lines.atlas_match_invoice_id
        self.assertEqual(set(invoices.mapped("atlas_status")), {"sent", "exported"})
        # The lines of the payments already recorded are settled at import; the invoices wait.
        self.assertEqual(result["confirmed"], 2)
        settled = lines.filtered(lambda line: line.atlas_match_kind == "payment")
        self.assertEqual(settled.mapped("is_reconciled"), [True, True])
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before, "no payment at import")
        lines.filtered(lambda line: line.atlas_match_kind and not line.is_reconciled).with_user(
            self.bookkeeper
        ).atlas_confirm_matches()
        self.assertEqual(set(invoices.mapped("atlas_status")), {"paid"})
        self.assertEqual(
            self.env["account.payment"].search_count([]),
            payments_before + 2,
            "a payment per invoice, none for the others",
        )
        self.assertIn("ZELLE FROM J SMITH", lines.filtered(lambda line: not line.is_reconciled).payment_ref)
        again = Statement.atlas_import_statement(self.bank.id, attachment.datas.decode(), name)
        self.assertEqual((again["line_count"], again["duplicates"]), (0, 5))

    def test_demo_bank_journal_is_business_checking(self):
        """The demo's bank account is named as its statements' mapping and the docs name it."""
        self.assertRecordValues(self.bank, [{"name": "Business Checking", "type": "bank"}])
        self.assertEqual(self.bank.default_sheet_mapping_id.name, "Business Checking CSV")
        self.assertEqual(self.bank.default_account_id.name, "Business Checking")
        # The demo's payments went into it.
        self.assertTrue(self.env["account.payment"].search_count([("journal_id", "=", self.bank.id)]))

    def test_demo_csv(self):
        self._import_and_confirm("demo-statement.csv")

    def test_demo_ofx(self):
        self._import_and_confirm("demo-statement.ofx")

    def test_demo_camt(self):
        self._import_and_confirm("demo-statement-camt053.xml")
