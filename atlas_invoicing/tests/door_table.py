"""What every door to the books does, per Atlas role and per status of the record.

A door is what the web client offers on a model: a button of one of its views (an object
button by its method's name, an action button by its action's XML id), an action bound to the
model (the list's Actions, the form's gear menu, the Print menu; by XML id), the list's own
Delete (``unlink``) and Duplicate (``copy``), and the buttons of a wizard a door opens
(``Door.wizard``, by method name). test_door_enumeration.py reads the doors from the
database, fails on any door missing here, runs each as each role on a record in each status
and checks the outcome; docs/doors.md shows this table (door_table_markdown()) and a test
checks that it does, so the two can't drift.

Each door has a default outcome and exceptions, the first that matches a role and a status
winning:

- ``allowed``: the door runs (a door that returns an action counts as opened);
- ``refused``: the door raises an error matching the pattern, the books unchanged when it
  is raised (``late``: Odoo's own check raises after its writes, which the request's
  rollback undoes);
- ``not offered``: the view hides the button for that status, and the server refuses it
  anyway (the pattern, as for ``refused``).
"""

import re
import sys
from collections import namedtuple

ROLES = ("viewer", "bookkeeper", "accountant", "admin")
ROLE_LABELS = {"viewer": "Viewer", "bookkeeper": "Bookkeeper", "accountant": "Accountant", "admin": "Administrator"}

# The record each door runs on, per model: one in each status (tests/door_world.py).
STATUSES = {
    "account.move": ("draft", "sent", "partial", "paid", "refunded", "exported", "cancelled", "credit_note"),
    "account.payment": ("draft", "in_process", "paid", "cancelled"),
    "account.move.line": ("sent", "paid"),
    "account.bank.statement": ("open",),
    "account.bank.statement.line": ("unreconciled", "reconciled"),
    "res.partner": ("customer",),
    "atlas.invoice.batch": ("draft",),
    "atlas.export.log": ("logged",),
    "contract.contract": ("running",),
}
STATUS_LABELS = {
    "account.move": {
        "draft": "draft",
        "sent": "sent",
        "partial": "partially paid",
        "paid": "paid",
        "refunded": "refunded",
        "exported": "exported",
        "cancelled": "cancelled",
        "credit_note": "draft credit note",
    },
    "account.payment": {"draft": "draft", "in_process": "in process", "paid": "paid", "cancelled": "cancelled"},
    "account.move.line": {"sent": "receivable item of a sent invoice", "paid": "receivable item of a paid invoice"},
    "account.bank.statement.line": {"unreconciled": "not reconciled", "reconciled": "reconciled with a payment"},
}
MODEL_LABELS = {
    "account.move": "Invoices and credit notes (`account.move`)",
    "account.payment": "Payments (`account.payment`)",
    "account.move.line": "Journal items (`account.move.line`)",
    "account.bank.statement": "Bank statements (`account.bank.statement`)",
    "account.bank.statement.line": "Bank statement lines (`account.bank.statement.line`)",
    "res.partner": "Customers (`res.partner`)",
    "atlas.invoice.batch": "Invoice batches (`atlas.invoice.batch`)",
    "atlas.export.log": "Export logs (`atlas.export.log`)",
    "contract.contract": "Contracts (`contract.contract`)",
}

# The list view's own Delete and Duplicate (Actions menu), not bound actions.
BUILTIN_DOORS = {"account.move": ("unlink", "copy"), "account.payment": ("unlink", "copy")}


# A pattern shown as the message it matches.
PATTERN_SYNTAX = re.compile(r"[\\^$]")


class Outcome(namedtuple("Outcome", "kind pattern rule late")):
    def __str__(self):
        if self.rule:
            return f"{self.kind} ({self.rule})"
        if self.pattern and self.kind != "allowed":
            return f"{self.kind}: “{PATTERN_SYNTAX.sub('', self.pattern)}”"
        return self.kind


def allowed(rule=""):
    return Outcome("allowed", None, rule, False)


def refused(pattern, rule="", late=False):
    return Outcome("refused", pattern, rule, late)


def not_offered(pattern, rule="", late=False):
    return Outcome("not offered", pattern, rule, late)


class Door:
    """A door's label, where the web client shows it, its outcomes, and for a door that opens
    a wizard: the wizard's buttons (``None``: listed, not run) and the values a user types in
    the wizard before clicking one (a function of the record), the statuses it is followed on."""

    def __init__(self, label, where, default, *exceptions, wizard=None, values=None, follow=None):
        self.label = label
        self.where = where
        self.default = default
        self.exceptions = exceptions
        self.wizard = wizard or {}
        self.values = values or (lambda record: {})
        self.follow = follow

    def expected(self, role, status):
        for roles, statuses, outcome in self.exceptions:
            if (roles == "*" or role in roles.split()) and (statuses == "*" or status in statuses.split()):
                return outcome
        return self.default


# -----------------------------------------------------------------------------
# Outcomes said once
# -----------------------------------------------------------------------------

OPENS = allowed("opens a view, changes nothing")
READS = allowed("reads, changes nothing")
VIEWER_READ_ONLY = refused(r"^(AccessError|UserError)", "the Viewer changes nothing")
NOT_DRAFT = r"must be in draft|Only draft journal entries"
ACCOUNTANT_REFUND = refused(r"Only an Atlas Accountant can refund an invoice", "refunds are an Accountant's")
ACCOUNTANT_RESET = refused(r"Only an Atlas Accountant can reset an invoice to draft", "an Accountant's")
SETTLED_NO_RESET = refused(r"has payments or credit notes, so it can't go back to draft", "refund it instead")
NOT_POSTED_PAY = refused(r"is not posted: a payment is recorded on a posted invoice only", "payments on posted only")
NOTHING_TO_PAY = refused(r"only register payments? for \(partially\) unpaid|nothing left to pay", "nothing due")
ACCOUNTANT_CREDIT_NOTE = refused(r"Only an Atlas Accountant can confirm a credit note", "refunds are an Accountant's")
NOT_DELETED = refused(r"is (posted|cancelled), so it can't be deleted", "drafts never numbered only")
GUARDED_ITEMS = refused(r"of the journal items of .* can't be written directly", "posted entry's items guarded")
VIEWER_HIDDEN = "viewer"

POSTED = "sent partial paid refunded exported"
OPEN_DUE = "sent exported partial"
DRAFTS = "draft credit_note"

# Wizards the doors open, with their buttons.
REVERSAL_WIZARD = {
    "refund_moves": Door(
        "Reverse (wizard)",
        "Reverse wizard",
        allowed("refunds are an Accountant's"),
        ("viewer", "*", VIEWER_READ_ONLY),
        ("bookkeeper", "*", ACCOUNTANT_REFUND),
    ),
    "modify_moves": Door(
        "Reverse and Create Invoice (wizard)",
        "Reverse wizard",
        allowed("refunds are an Accountant's"),
        ("viewer", "*", VIEWER_READ_ONLY),
        ("bookkeeper", "*", ACCOUNTANT_REFUND),
    ),
}
REVERSAL_VALUES = lambda record: {"journal_id": record.journal_id.id, "reason": "Door check"}  # noqa: E731
REGISTER_WIZARD = {
    "action_create_payments": Door(
        "Create Payment (wizard)",
        "Pay wizard",
        allowed("payments on posted invoices only, up to what is due"),
        ("viewer", "*", VIEWER_READ_ONLY),
    ),
    "action_open_missing_account_partners": None,
    "action_open_untrusted_bank_accounts": None,
}
SEND_WIZARD = {
    "action_send_and_print": Door(
        "Print & Send (wizard)",
        "Print & Send wizard",
        allowed("marks the invoice sent"),
        ("viewer", "*", VIEWER_READ_ONLY),
    ),
}

# Merge the customer into its duplicate (tests/door_world.py), the duplicate kept.
MERGE_VALUES = lambda record: {  # noqa: E731
    "partner_ids": [(6, 0, (record | record.search([("name", "=", "Northwind Traders (duplicate)")])).ids)],
    "dst_partner_id": record.search([("name", "=", "Northwind Traders (duplicate)")]).id,
}

# Wizards listed, their buttons not run: sending an email or an SMS, Odoo's accounting
# wizards that are an Accountant's (their opening is refused to the roles below).
MAIL_COMPOSER = {"action_send_mail": None}
SMS_COMPOSER = {"action_send_sms": None, "action_send_sms_mass_now": None}
AUTOMATIC_ENTRY = {"do_action": None}

DOORS = {
    # -------------------------------------------------------------------------
    "account.move": {
        # Atlas's own buttons
        "action_atlas_send": Door(
            "Send (Atlas)",
            "Atlas form",
            allowed("opens Send Invoice"),
            ("*", "cancelled", refused(r"is cancelled; it can't be sent")),
            ("viewer", "*", VIEWER_READ_ONLY),
            wizard={"action_send": None},
        ),
        "action_atlas_mark_sent": Door(
            "Mark as Sent (Atlas)",
            "Atlas form",
            allowed("posts a draft"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", "cancelled", refused(r"is cancelled; it can't be sent")),
            ("bookkeeper", "credit_note", ACCOUNTANT_CREDIT_NOTE),
        ),
        "action_atlas_record_payment": Door(
            "Record Payment (Atlas)",
            "Atlas form",
            allowed("opens Record Payment"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", "draft", refused(r"is a draft: send it")),
            ("*", "credit_note", refused(r"is not a customer invoice")),
            ("*", "cancelled", refused(r"is cancelled; it can't be paid")),
            ("*", "paid refunded", NOTHING_TO_PAY),
            wizard={"action_apply": None},
        ),
        "action_atlas_refund": Door(
            "Refund (Atlas)",
            "Atlas form",
            allowed("opens Refund"),
            ("viewer bookkeeper", "*", ACCOUNTANT_REFUND),
            ("*", "draft", refused(r"A draft has no journal entry to refund")),
            ("*", "credit_note", refused(r"is not a customer invoice")),
            ("*", "cancelled", refused(r"is cancelled; there is nothing to refund")),
            ("*", "refunded", refused(r"already has a credit note for its whole amount")),
            wizard={"action_refund": None},
        ),
        "action_atlas_reset_to_draft": Door(
            "Reset to Draft (Atlas)",
            "Atlas form",
            allowed("nothing paid or credited"),
            ("viewer bookkeeper", "*", ACCOUNTANT_RESET),
            ("*", "partial paid refunded", SETTLED_NO_RESET),
            ("*", DRAFTS, refused(r"Only posted/cancelled journal entries can be reset to draft")),
        ),
        "action_atlas_export": Door(
            "Export (Atlas)",
            "Atlas form and list",
            allowed("opens Export"),
            ("viewer bookkeeper", "*", refused(r"not allowed to create 'Export Invoices'", "an Accountant's")),
            wizard={"action_export": None},
        ),
        "atlas_invoicing.action_atlas_invoice_export": Door(
            "Export Invoices",
            "list Actions",
            allowed("opens Export"),
            ("viewer bookkeeper", "*", refused(r"not allowed to create 'Export Invoices'", "an Accountant's")),
            wizard={"action_export": None},
        ),
        "action_atlas_preview_pdf": Door("Preview PDF (Atlas)", "Atlas form", READS),
        "action_atlas_open_credit_notes": Door("Credit Notes (smart button)", "Atlas form", OPENS),
        "action_atlas_open_refund_payments": Door("Refund Payment (smart button)", "Atlas form", OPENS),
        "action_atlas_open_refunded_invoice": Door("Invoice (smart button)", "Atlas form", OPENS),
        "atlas_invoicing.action_report_atlas_invoice": Door("Invoice (Atlas) PDF", "Print menu", READS),
        # Odoo's buttons
        "action_post": Door(
            "Confirm",
            "Odoo form",
            allowed(),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", f"{POSTED} cancelled", not_offered(NOT_DRAFT)),
            ("bookkeeper", "credit_note", ACCOUNTANT_CREDIT_NOTE),
        ),
        "account.action_validate_account_move": Door(
            "Confirm Entries",
            "list Actions",
            allowed("opens Confirm Entries"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", f"{POSTED} cancelled", refused(r"no journal items in the draft state to post")),
            wizard={
                "validate_move": Door(
                    "Post (wizard)",
                    "Confirm Entries wizard",
                    allowed(),
                    ("viewer", "*", VIEWER_READ_ONLY),
                    ("bookkeeper", "credit_note", ACCOUNTANT_CREDIT_NOTE),
                )
            },
            follow=DRAFTS.split(),
        ),
        "button_draft": Door(
            "Reset to Draft",
            "Odoo form",
            allowed("nothing paid or credited"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("bookkeeper", f"{POSTED} cancelled", ACCOUNTANT_RESET),
            ("*", "partial paid refunded", SETTLED_NO_RESET),
            ("*", DRAFTS, not_offered(r"Only posted/cancelled journal entries can be reset to draft")),
        ),
        "button_cancel": Door(
            "Cancel",
            "Odoo form",
            allowed("a posted invoice as Reset to Draft"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("bookkeeper", POSTED, ACCOUNTANT_RESET),
            ("*", "partial paid refunded", SETTLED_NO_RESET),
            ("*", "cancelled", not_offered(r"Only draft journal entries can be cancelled")),
        ),
        "action_reverse": Door(
            "Credit Note",
            "Odoo form",
            allowed("opens the Reverse wizard"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", f"{DRAFTS} cancelled", not_offered(r"You can only reverse posted moves")),
            wizard=REVERSAL_WIZARD,
            values=REVERSAL_VALUES,
            follow=("sent", "paid"),
        ),
        "account.action_view_account_move_reversal": Door(
            "Reverse",
            "list Actions, gear menu, Odoo form",
            allowed("opens the Reverse wizard"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", f"{DRAFTS} cancelled", refused(r"You can only reverse posted moves")),
            wizard=REVERSAL_WIZARD,
            values=REVERSAL_VALUES,
            follow=("sent", "paid"),
        ),
        "action_force_register_payment": Door(
            "Pay",
            "Odoo lists",
            allowed("opens Pay on a posted invoice"),
            ("*", f"{DRAFTS} cancelled", NOT_POSTED_PAY),
            ("*", "paid refunded", NOTHING_TO_PAY),
            ("viewer", "*", VIEWER_READ_ONLY),
            wizard=REGISTER_WIZARD,
            follow=("sent",),
        ),
        "account.action_move_force_register_payment": Door(
            "Pay",
            "gear menu, list Actions",
            allowed("opens Pay on a posted invoice"),
            ("viewer", "*", refused(r"enough access rights to run this action", "Billing users only")),
            ("*", f"{DRAFTS} cancelled", NOT_POSTED_PAY),
            ("*", "paid refunded", NOTHING_TO_PAY),
            wizard=REGISTER_WIZARD,
            follow=("partial",),
        ),
        "action_register_payment": Door(
            "Pay",
            "Odoo form",
            allowed("opens Pay on a posted invoice"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", f"{DRAFTS} cancelled", not_offered(r"only register payment for posted journal entries")),
            ("*", "paid refunded", not_offered(r"only register payments for \(partially\) unpaid")),
            wizard=REGISTER_WIZARD,
            follow=("exported",),
        ),
        "unlink": Door(
            "Delete",
            "list Actions, gear menu",
            allowed("drafts never numbered only"),
            ("viewer", DRAFTS, VIEWER_READ_ONLY),
            ("*", f"{POSTED} cancelled", NOT_DELETED),
        ),
        "copy": Door("Duplicate", "list Actions, gear menu", allowed("a new draft"), ("viewer", "*", VIEWER_READ_ONLY)),
        "action_invoice_sent": Door(
            "Print & Send",
            "Odoo form",
            allowed("opens Print & Send"),
            ("viewer", "*", VIEWER_READ_ONLY),
            wizard=SEND_WIZARD,
            follow=("sent",),
        ),
        "action_send_and_print": Door(
            "Print & Send",
            "Odoo lists",
            allowed("opens Print & Send"),
            ("viewer", "*", VIEWER_READ_ONLY),
            wizard=SEND_WIZARD,
            follow=(),
        ),
        "account.action_move_switch_move_type": Door(
            "Switch into invoice/credit note",
            "list Actions",
            allowed("drafts only"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", POSTED, refused(r"cannot switch the type of a posted document")),
            ("*", "cancelled", refused(r"can't be written directly")),
        ),
        "account.action_move_block_payment": Door(
            "(Un)Block Payment",
            "list Actions",
            allowed("Odoo's payment block flag"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", "paid", refused(r"You can't block a paid invoice")),
        ),
        "action_update_fpos_values": Door(
            "Update Taxes and Accounts",
            "form (fiscal position changed)",
            allowed("drafts only"),
            ("*", f"{POSTED} cancelled", not_offered(GUARDED_ITEMS.pattern)),
            ("viewer", "*", VIEWER_READ_ONLY),
        ),
        "button_hash": Door(
            "Lock",
            "Odoo form",
            allowed("Odoo's inalterability hash: never reset to draft again"),
            ("viewer bookkeeper", "*", refused(r"Only an Atlas Accountant can lock an invoice", "an Accountant's")),
        ),
        "button_set_checked": Door(
            "Set as Checked", "Odoo form", allowed("Odoo's review flag"), ("viewer", "*", VIEWER_READ_ONLY)
        ),
        "button_request_cancel": Door(
            "Request Cancel",
            "Odoo form (e-invoicing)",
            not_offered(r"only request a cancellation for invoice sent to the government|not allowed"),
        ),
        "action_activate_currency": Door(
            "Activate currency", "form (inactive currency)", allowed("changes nothing here")
        ),
        "payment_action_capture": Door(
            "Capture Transaction",
            "Odoo form (online payments)",
            allowed("no transaction: nothing"),
            ("viewer", "*", VIEWER_READ_ONLY),
        ),
        "payment_action_void": Door(
            "Void Transaction",
            "Odoo form (online payments)",
            allowed("no transaction: nothing"),
            ("viewer", "*", VIEWER_READ_ONLY),
        ),
        # OCA's manual reminder wizard (account_invoice_overdue_reminder, with the Get Paid
        # addon): Run only lists the customers to remind; its own steps send.
        "account_invoice_overdue_reminder.overdue_reminder_start_action": Door(
            "Send an overdue reminder (OCA)",
            "form (overdue invoices)",
            allowed("opens OCA's reminder wizard, which lists the customers to remind"),
            ("viewer", "*", VIEWER_READ_ONLY),
            wizard={"run": None},
        ),
        "account_payment.action_invoice_order_generate_link": Door(
            "Generate a Payment Link", "gear menu", allowed("opens the link wizard"), ("viewer", "*", VIEWER_READ_ONLY)
        ),
        "account.model_account_move_action_share": Door(
            "Share",
            "gear menu",
            allowed("opens Share (portal link)"),
            ("viewer", "*", VIEWER_READ_ONLY),
            wizard={"action_send_mail": None},
        ),
        "action_open_business_doc": Door("Open the document", "form", OPENS),
        "open_payments": Door("Payments (smart button)", "form", OPENS),
        "open_reconcile_view": Door("Journal items (smart button)", "form", OPENS),
        "open_created_caba_entries": Door("Cash basis entries (smart button)", "form", OPENS),
        "action_view_payment_transactions": Door(
            "Transactions (smart button)",
            "form",
            OPENS,
            ("viewer", "*", refused(r"not allowed to access 'Payment Transaction'", "Billing users only")),
        ),
        "preview_invoice": Door("Preview", "Odoo form", OPENS),
        "account_reconcile_oca.action_bank_statement_line_move_view_reconcile": Door(
            "Bank reconcile", "form (bank entries)", OPENS
        ),
        "account.account_invoices_without_payment": Door("PDF without Payment", "Print menu", READS),
        "account.action_account_original_vendor_bill": Door("Original Bills", "Print menu", READS),
    },
    # -------------------------------------------------------------------------
    "account.payment": {
        "action_post": Door(
            "Confirm",
            "payment form and list",
            allowed(),
            ("viewer", "paid cancelled", allowed("nothing to confirm: changes nothing")),
            ("viewer", "*", VIEWER_READ_ONLY),
            # The payment lists' Confirm acts on any selection; the form hides it.
            ("*", "in_process", refused(NOT_DRAFT, "drafts only")),
        ),
        "account.action_account_confirm_payments": Door(
            "Post Payments",
            "list Actions",
            allowed(),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", "in_process", refused(NOT_DRAFT)),
        ),
        "action_draft": Door(
            "Reset To Draft",
            "payment form",
            allowed("un-pays its invoices (Odoo's)"),
            ("viewer bookkeeper", "*", refused(r"Only an Atlas Accountant can reset a payment to draft")),
        ),
        "action_cancel": Door(
            "Cancel",
            "payment form",
            allowed(),
            ("viewer bookkeeper", "*", refused(r"Only an Atlas Accountant can cancel a payment")),
        ),
        "action_validate": Door(
            "Validate",
            "payment form",
            allowed("marks it paid without the bank's line"),
            ("viewer bookkeeper", "*", refused(r"Only an Atlas Accountant can mark a payment as paid by hand")),
            ("*", "draft cancelled", not_offered(r"cannot be confirmed without having a journal entry", late=True)),
        ),
        "action_reject": Door(
            "Reject",
            "payment form",
            allowed(),
            ("viewer bookkeeper", "*", refused(r"Only an Atlas Accountant can reject a payment")),
            ("*", "draft cancelled", not_offered(r"cannot be confirmed without having a journal entry", late=True)),
        ),
        "unlink": Door(
            "Delete",
            "list Actions, gear menu",
            allowed(),
            (
                "viewer bookkeeper",
                "in_process paid cancelled",
                refused(r"Only an Atlas Accountant can delete a confirmed payment"),
            ),
            ("viewer", "*", VIEWER_READ_ONLY),
            (
                "*",
                "in_process paid",
                refused(r"consumed a sequence number|cannot be confirmed", "Odoo's rule", late=True),
            ),
        ),
        "copy": Door("Duplicate", "list Actions, gear menu", allowed("a new draft"), ("viewer", "*", VIEWER_READ_ONLY)),
        "mark_as_sent": Door(
            "Mark as Sent", "payment form (checks)", allowed("Odoo's flag"), ("viewer", "*", VIEWER_READ_ONLY)
        ),
        "unmark_as_sent": Door(
            "Unmark as Sent", "payment form (checks)", allowed("Odoo's flag"), ("viewer", "*", VIEWER_READ_ONLY)
        ),
        "button_request_cancel": Door(
            "Request Cancel",
            "payment form (e-invoicing)",
            not_offered(r"only request a cancellation|Expected singleton|not allowed"),
        ),
        "action_refund_wizard": Door(
            "Refund (online payment)",
            "payment form (online payments)",
            allowed("opens the provider's refund: none here"),
            ("viewer", "*", VIEWER_READ_ONLY),
            wizard={"action_refund": None},
        ),
        "action_view_refunds": Door("Refunds (smart button)", "payment form", OPENS),
        "button_open_invoices": Door("Invoices (smart button)", "payment form", OPENS),
        "button_open_bills": Door("Bills (smart button)", "payment form", OPENS),
        "button_open_journal_entry": Door("Journal Entry (smart button)", "payment form", OPENS),
        "button_open_statement_lines": Door("Statement lines (smart button)", "payment form", OPENS),
        "account.account_send_payment_receipt_by_email_action": Door(
            "Send receipt by email", "gear menu", allowed("opens the email composer"), wizard=MAIL_COMPOSER
        ),
        "account.account_send_payment_receipt_by_email_action_multi": Door(
            "Send receipts by email", "list Actions", allowed("opens the email composer"), wizard=MAIL_COMPOSER
        ),
        "account.action_report_payment_receipt": Door("Payment Receipt", "Print menu", READS),
    },
    # -------------------------------------------------------------------------
    "account.move.line": {
        "action_payment_items_register_payment": Door(
            "Pay",
            "journal items to pay",
            allowed("opens Pay"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", "paid", NOTHING_TO_PAY),
            wizard=REGISTER_WIZARD,
            follow=("sent",),
        ),
        "account.action_account_unreconcile": Door(
            "Unreconcile",
            "list Actions",
            allowed("an Accountant's"),
            ("viewer bookkeeper", "*", refused(r"enough access rights to run this action", "an Accountant's")),
        ),
        "account.action_automatic_entry_change_account": Door(
            "Move to Account",
            "list Actions",
            allowed("opens the wizard"),
            (
                "viewer bookkeeper",
                "*",
                refused(r"enough access rights to run this action|not allowed to create", "an Accountant's"),
            ),
            ("*", "paid", refused(r"only change the period/account for items that are not yet reconciled")),
            wizard=AUTOMATIC_ENTRY,
        ),
        "account.action_automatic_entry_change_period": Door(
            "Change Period",
            "list Actions",
            allowed("opens the wizard"),
            (
                "viewer bookkeeper",
                "*",
                refused(r"enough access rights to run this action|not allowed to create", "an Accountant's"),
            ),
            ("*", "paid", refused(r"only change the period/account for items that are not yet reconciled")),
            wizard=AUTOMATIC_ENTRY,
        ),
        "action_automatic_entry": Door(
            "Cut-Off",
            "invoice lines",
            allowed("opens the wizard"),
            (
                "viewer bookkeeper",
                "*",
                refused(r"enough access rights to run this action|not allowed to create", "an Accountant's"),
            ),
            ("*", "paid", refused(r"only change the period/account for items that are not yet reconciled")),
            wizard=AUTOMATIC_ENTRY,
        ),
        "account_reconcile_oca.action_reconcile": Door(
            "Reconcile",
            "list Actions",
            allowed("opens OCA's reconciliation"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("bookkeeper", "*", refused(r"not allowed to access 'Account Account Reconcile'", "an Accountant's")),
        ),
        "action_add_from_catalog": Door("Catalog", "invoice lines", OPENS),
        "action_open_business_doc": Door("View", "journal items", OPENS),
        "open_reconcile_view": Door("Matched items", "journal item form", OPENS),
    },
    # -------------------------------------------------------------------------
    "account.bank.statement": {
        "action_open_statement_lines": Door("Transactions", "statement list and form", OPENS),
        "open_entries": Door("Journal entries", "statement form", OPENS),
        # A long file imported in queue jobs (atlas_invoicing_bank_queue): the statement of the
        # door world is complete, so there is nothing to resume or cancel.
        "action_atlas_import_resume": Door(
            "Resume Import",
            "statement form, while importing",
            refused(r"is not being imported: there is nothing to resume or cancel", "importing statements only"),
            ("viewer", "*", refused(r"Only an Atlas Bookkeeper can import bank statements")),
        ),
        "action_atlas_import_cancel": Door(
            "Cancel Import",
            "statement form, while importing",
            refused(r"is not being imported: there is nothing to resume or cancel", "importing statements only"),
            ("viewer", "*", refused(r"Only an Atlas Bookkeeper can import bank statements")),
        ),
    },
    # -------------------------------------------------------------------------
    "account.bank.statement.line": {
        "action_atlas_confirm_match": Door(
            "Confirm (Atlas)",
            "Atlas bank lines",
            allowed("a Bookkeeper's"),
            ("viewer", "*", refused(r"Only an Atlas Bookkeeper can import bank statements")),
            ("*", "unreconciled", refused(r"is matched to nothing")),
            ("*", "reconciled", refused(r"is already reconciled")),
        ),
        "action_atlas_open_reconcile": Door("Reconcile… (Atlas)", "Atlas bank lines", OPENS),
        "reconcile_bank_line": Door(
            "Reconcile",
            "OCA reconciliation",
            allowed("a Bookkeeper's"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", "reconciled", not_offered(r"cannot do this modification on a reconciled journal entry")),
        ),
        "unreconcile_bank_line": Door(
            "Unreconcile", "OCA reconciliation", allowed("the bank line only"), ("viewer", "*", VIEWER_READ_ONLY)
        ),
        "action_undo_reconciliation": Door(
            "Revert reconciliation", "statement lines", allowed("the bank line only"), ("viewer", "*", VIEWER_READ_ONLY)
        ),
        "clean_reconcile": Door(
            "Reset reconciliation",
            "OCA reconciliation",
            allowed("the screen's proposal"),
            ("viewer", "*", VIEWER_READ_ONLY),
        ),
        "button_manual_reference_full_paid": Door(
            "Full paid", "OCA reconciliation", allowed("the screen's proposal"), ("viewer", "*", VIEWER_READ_ONLY)
        ),
        "action_checked": Door(
            "Set as Checked", "OCA reconciliation", allowed("a flag"), ("viewer", "*", VIEWER_READ_ONLY)
        ),
        "action_to_check": Door(
            "To Check",
            "OCA reconciliation",
            allowed("a flag"),
            ("viewer", "*", VIEWER_READ_ONLY),
            ("*", "reconciled", refused(r"cannot do this modification on a reconciled journal entry")),
        ),
        "save": Door("Save", "OCA add-line form", allowed("closes the form")),
        "action_show_move": Door("View move", "OCA reconciliation", OPENS),
        "action_open_journal_entry": Door("Open Journal Entry", "statement lines", OPENS),
    },
    # -------------------------------------------------------------------------
    "res.partner": {
        "action_view_partner_invoices": Door("Invoiced (smart button)", "customer form", OPENS),
        "act_show_contract": Door("Contracts (smart button)", "customer form", OPENS),
        "action_view_partner_with_same_bank": Door("Partners with the same bank", "customer form", OPENS),
        "open_commercial_entity": Door("The parent company", "customer form", OPENS),
        "payment.action_payment_token": Door("Payment tokens (smart button)", "customer form", OPENS),
        "action_atlas_send_statement": Door(
            "Send Statement (Get Paid)",
            "customer form",
            allowed("opens Send Statement; Send emails the statement, a Bookkeeper's like sending an invoice"),
            ("viewer", "*", refused(r"Only an Atlas Bookkeeper can send statements", "the Viewer changes nothing")),
            wizard={"action_send": None},
        ),
        "account_invoice_overdue_reminder.action_overdue_reminder_action": Door(
            "Overdue Reminder Actions (OCA's history)", "Actions menu", OPENS
        ),
        "create_company": Door("Create company", "customer form", allowed("a company from the contact's company name")),
        "mail_action_blacklist_remove": Door(
            "Unblacklist email", "customer form", refused(r"do not have the access right to unblacklist")
        ),
        "phone_action_blacklist_remove": Door(
            "Unblacklist phone", "customer form", refused(r"do not have the access right to unblacklist")
        ),
        "base.action_partner_merge": Door(
            "Merge",
            "list Actions",
            allowed("opens Merge"),
            ("viewer", "*", VIEWER_READ_ONLY),
            wizard={
                "action_merge": Door(
                    "Merge Contacts (wizard)",
                    "Merge wizard",
                    allowed("moves the customer's entries to the contact kept"),
                    (
                        "bookkeeper",
                        "*",
                        refused(r"Only an Atlas Accountant can merge contacts that have posted", "an Accountant's"),
                    ),
                ),
                **dict.fromkeys(
                    (
                        "action_skip",
                        "action_start_automatic_process",
                        "action_start_manual_process",
                        "action_update_all_process",
                        "base.action_partner_deduplicate",
                    )
                ),
            },
            values=MERGE_VALUES,
            follow=("customer",),
        ),
        "account_reconcile_oca.res_partner_account_account_reconcile_act_window": Door(
            "Reconcile",
            "list Actions",
            OPENS,
            (
                "viewer bookkeeper",
                "*",
                refused(r"not allowed to access 'Account Account Reconcile'", "an Accountant's"),
            ),
        ),
        "mail.action_partner_mass_mail": Door(
            "Send email", "list Actions", allowed("opens the email composer"), wizard=MAIL_COMPOSER
        ),
        "sms.res_partner_act_window_sms_composer_multi": Door(
            "Send SMS", "list Actions", allowed("opens the SMS composer"), wizard=SMS_COMPOSER
        ),
        "sms.res_partner_act_window_sms_composer_single": Door(
            "Send SMS", "gear menu", allowed("opens the SMS composer"), wizard=SMS_COMPOSER
        ),
        "portal.partner_wizard_action_create_and_open": Door(
            "Grant portal access", "gear menu", allowed("opens the portal wizard"), ("viewer", "*", VIEWER_READ_ONLY)
        ),
        "privacy_lookup.ir_action_server_action_privacy_lookup_partner": Door(
            "Privacy Lookup", "gear menu", refused(r"not allowed to (create|modify)", "Settings users only")
        ),
        "web.download_contact": Door("Download (vCard)", "gear menu", READS, ("viewer", "*", VIEWER_READ_ONLY)),
    },
    # -------------------------------------------------------------------------
    "atlas.invoice.batch": {
        "action_generate": Door(
            "Generate",
            "batch form",
            allowed("an Accountant's"),
            ("viewer bookkeeper", "*", refused(r"not allowed to modify 'Invoice Batch'", "an Accountant's")),
        ),
        "action_post_all": Door(
            "Post All", "batch form", refused(r"no draft invoices; there is nothing to post|not allowed|Only an Atlas")
        ),
        "action_send_all": Door(
            "Send All", "batch form", refused(r"already sent; there is nothing to send|not allowed|Only an Atlas")
        ),
        "action_export_all": Door(
            "Export All", "batch form", refused(r"has no invoices yet|not allowed|Only an Atlas")
        ),
        "action_print_all": Door("Print All", "batch form", refused(r"has no invoices yet")),
        "action_view_invoices": Door("Invoices (smart button)", "batch form", OPENS),
    },
    "atlas.export.log": {},
    # -------------------------------------------------------------------------
    "contract.contract": {
        "action_contract_send": Door(
            "Send by Email", "contract form", allowed("opens the email composer"), wizard=MAIL_COMPOSER
        ),
        "action_preview": Door("Preview", "contract form", OPENS),
        "action_show_invoices": Door("Invoices (smart button)", "contract form", OPENS),
        "contract.report_contract": Door("Contract", "Print menu", READS),
    },
}


# -----------------------------------------------------------------------------
# The table in docs/doors.md
# -----------------------------------------------------------------------------


def _cell(door, role, statuses, labels):
    outcomes = {}
    for status in statuses:
        outcomes.setdefault(str(door.expected(role, status)), []).append(labels.get(status, status))
    if len(outcomes) == 1:
        return next(iter(outcomes))
    return "; ".join(f"{', '.join(found)}: {outcome}" for outcome, found in outcomes.items())


def door_table_markdown():
    """The doors, per model, as the Markdown tables of docs/doors.md."""
    parts = []
    for model, doors in DOORS.items():
        if not doors:
            continue
        statuses = STATUSES[model]
        labels = STATUS_LABELS.get(model, {})
        parts.append(f"### {MODEL_LABELS[model]}\n")
        parts.append("| door | where | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " |")
        parts.append("| --- | --- | " + " | ".join("---" for _r in ROLES) + " |")
        for key, door in doors.items():
            rows = [(f"{door.label} (`{key}`)", door)]
            rows += [(f"↳ {sub.label} (`{name}`)", sub) for name, sub in door.wizard.items() if sub]
            for title, row in rows:
                cells, previous = [], None
                for role in ROLES:
                    cell = _cell(row, role, statuses, labels)
                    cells.append("same" if cell == previous else cell)
                    previous = cell
                cells = [cell.replace("|", "\\|") for cell in cells]
                parts.append(f"| {title} | {row.where} | " + " | ".join(cells) + " |")
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    # python3 atlas_invoicing/tests/door_table.py: the tables to paste into docs/doors.md.
    sys.stdout.write(door_table_markdown())
