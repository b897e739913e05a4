/** @odoo-module **/
/*
 * A working day of each Atlas role, clicked in the browser from the home menu. Run by
 * tests/test_role_tours.py, which prepares what the day starts from and checks the books
 * afterwards.
 *
 *  - atlas_role_bookkeeper: a new customer, an invoice whose line gets the default sales tax
 *    (15%), Preview PDF, Send by email, two partial payments, Paid.
 *  - atlas_role_accountant: Refund a paid invoice (credit note and refund payment reachable
 *    from it, and it from the credit note), Export a sent invoice, an invoice batch started;
 *    atlas_role_accountant_batch_done: once the cron worker has run the batch, its invoice,
 *    then the General Ledger.
 *  - atlas_role_viewer: AR Aging, Profit & Loss, Cash Flow, and a drill-down from AR Aging
 *    into an invoice, which opens in the Atlas form without a button a viewer can't use.
 *  - atlas_role_admin: the numbering prefix changed to HLB-, an invoice posted with it, the
 *    prefix set back to INV/, and the next invoice numbered INV/.
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import {
    applyPayment,
    catchNewTabs,
    choosePaymentMethod,
    createCustomer,
    createDraftInvoice,
    numberStartsWith,
    openApp,
    openedUrl,
    openListedInvoice,
    openMenu,
    openPaymentWizard,
    openReport,
    sendByEmail,
    statusIs,
    typePaymentAmount,
} from "@atlas_invoicing/../tests/tours/tour_utils";

const FORM = ".o_form_view";
const BUTTONS = `${FORM} .o_statusbar_buttons`;
const MODAL_FORM = ".modal .o_form_view";

function openInvoices() {
    return openMenu("atlas_invoicing.menu_atlas_invoicing", "atlas_invoicing.menu_atlas_invoices", "Invoices");
}

// --- Bookkeeper ----------------------------------------------------------------------

const BOOKKEEPER_CUSTOMER = "Harbour Lights Bakery";

registry.category("web_tour.tours").add("atlas_role_bookkeeper", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        ...createCustomer(BOOKKEEPER_CUSTOMER, "accounts@harbourlights.example"),
        ...createDraftInvoice(BOOKKEEPER_CUSTOMER, { description: "Monthly bookkeeping", quantity: 1, price: 700 }),
        {
            content: "The saved line keeps the default sales tax, 15%",
            trigger: `${FORM} div[name=invoice_line_ids] tr.o_data_row td[name=tax_ids] .o_tag:contains("15%")`,
        },
        {
            content: "The total includes the tax: 700.00 + 105.00 = 805.00",
            trigger: `${FORM} .o_field_widget[name=tax_totals]:contains("105.00"):contains("805.00")`,
        },
        // Preview: the invoice PDF opens in a new tab.
        catchNewTabs(),
        {
            content: "Preview PDF",
            trigger: `${BUTTONS} button[name=action_atlas_preview_pdf]:contains("Preview PDF")`,
            run: "click",
        },
        openedUrl("/report/pdf/atlas_invoicing.report_atlas_invoice/", "the invoice PDF"),
        statusIs("draft", "Draft"),
        ...sendByEmail(BOOKKEEPER_CUSTOMER),
        numberStartsWith("INV/"),
        // Two payments: 300.00 by check, then the rest by wire transfer.
        ...openPaymentWizard("805.00"),
        ...typePaymentAmount("300.00"),
        ...choosePaymentMethod("Check"),
        ...applyPayment(),
        statusIs("partial", "Partially Paid"),
        ...openPaymentWizard("505.00"),
        {
            content: "The amount defaults to the balance due, 505.00",
            trigger: `${MODAL_FORM} .o_field_widget[name=amount] input:value("505.00")`,
        },
        ...choosePaymentMethod("Wire Transfer"),
        ...applyPayment(),
        statusIs("paid", "Paid"),
        {
            content: "The ribbon says Paid",
            trigger: `${FORM} .ribbon:contains("Paid")`,
        },
        {
            content: "Nothing is left to pay",
            trigger: `${BUTTONS}:not(:has(button[name=action_atlas_record_payment]))`,
        },
    ],
});

// --- Accountant ----------------------------------------------------------------------

const REFUND_CUSTOMER = "Granite Peak Outfitters";
const EXPORT_CUSTOMER = "Silver Birch Studio";
const BATCH_NAME = "Role tour monthly billing";
const CONTRACT = "Role tour managed IT";

registry.category("web_tour.tours").add("atlas_role_accountant", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        // Refund a paid invoice: the credit note, and the money paid back.
        ...openInvoices(),
        ...openListedInvoice(REFUND_CUSTOMER),
        statusIs("paid", "Paid"),
        {
            content: "Refund",
            trigger: `${BUTTONS} button[name=action_atlas_refund]:contains("Refund")`,
            run: "click",
        },
        {
            content: "The Refund wizard shows the money received",
            trigger: `${MODAL_FORM} .o_field_widget[name=amount_paid]:contains("500.00")`,
        },
        {
            content: "The bank account the money is paid back from is chosen",
            trigger: `${MODAL_FORM} .o_field_widget[name=journal_id] input:value(/\\S/)`,
        },
        {
            content: "Reason",
            trigger: `${MODAL_FORM} .o_field_widget[name=reason] input`,
            run: "edit Order cancelled",
        },
        {
            content: "Refund",
            trigger: '.modal .modal-footer button[name=action_refund]:contains("Refund")',
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
        statusIs("refunded", "Refunded"),
        {
            content: "The ribbon agrees: Refunded",
            trigger: `${FORM} .ribbon:contains("Refunded")`,
        },
        {
            content: "A refunded invoice is not sent again",
            trigger: `${BUTTONS}:not(:has(button[name=action_atlas_send]))`,
        },
        {
            content: "The refund payment is reachable from the invoice",
            trigger: `${FORM} button[name=action_atlas_open_refund_payments]:contains("Refund Payment")`,
        },
        {
            content: "Open its credit note",
            trigger: `${FORM} button[name=action_atlas_open_credit_notes]:contains("Credit Notes")`,
            run: "click",
        },
        {
            content: "The credit note opens in the Atlas form, with a link back to its invoice",
            trigger: `${FORM} button[name=action_atlas_open_refunded_invoice]:contains("Invoice")`,
        },
        {
            content: "It is the credit note of the customer",
            trigger: `${FORM} .o_field_widget[name=partner_id]:contains("${REFUND_CUSTOMER}")`,
        },
        {
            content: "Back to its invoice",
            trigger: `${FORM} button[name=action_atlas_open_refunded_invoice]`,
            run: "click",
        },
        statusIs("refunded", "Refunded"),
        // The credit notes' own list.
        ...openMenu("atlas_invoicing.menu_atlas_invoicing", "atlas_invoicing.menu_atlas_credit_notes", "Credit Notes"),
        {
            content: "The credit note is listed",
            trigger: `.o_list_view .o_data_row td[name=partner_id]:contains("${REFUND_CUSTOMER}")`,
        },

        // Export a sent invoice.
        ...openInvoices(),
        ...openListedInvoice(EXPORT_CUSTOMER),
        statusIs("sent", "Sent"),
        catchNewTabs(),
        {
            content: "Export",
            trigger: `${BUTTONS} button[name=action_atlas_export]:contains("Export")`,
            run: "click",
        },
        {
            content: "Format: Generic CSV",
            trigger: `${MODAL_FORM} .o_field_widget[name=export_format] input[data-value=csv]:checked`,
        },
        {
            content: "Export",
            trigger: '.modal .modal-footer button[name=action_export]:contains("Export")',
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
        openedUrl("/web/content/", "the exported file"),
        statusIs("exported", "Exported"),

        // An invoice batch for one contract, chosen by hand.
        ...openMenu("atlas_invoicing.menu_atlas_invoicing", "atlas_invoicing.menu_atlas_batches", "Invoice Batches"),
        {
            content: "New batch",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Batch name",
            trigger: `${FORM} .o_field_widget[name=name] input`,
            run: `edit ${BATCH_NAME}`,
        },
        {
            content: "Contracts chosen by hand",
            trigger: `${FORM} .o_field_widget[name=contract_selection] input[data-value=manual]`,
            run: "click",
        },
        {
            content: "The Contracts tab",
            trigger: `${FORM} .o_notebook a.nav-link:contains("Contracts")`,
            run: "click",
        },
        {
            content: "Add a contract",
            trigger: `${FORM} .o_field_widget[name=contract_ids] .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: "Pick the contract",
            trigger: `.modal .o_list_view .o_data_row td:contains("${CONTRACT}")`,
            run: "click",
        },
        {
            content: "The contract is in the batch",
            trigger: `${FORM} .o_field_widget[name=contract_ids] .o_data_row td:contains("${CONTRACT}")`,
        },
        ...stepUtils.saveForm(),
        {
            content: "Generate",
            trigger: `${BUTTONS} button[name=action_generate]:contains("Generate")`,
            run: "click",
        },
        {
            content: "The batch is generating, in the background",
            trigger: `${FORM} .o_statusbar_status button.o_arrow_button_current[data-value="running"]`,
        },
    ],
});

registry.category("web_tour.tours").add("atlas_role_accountant_batch_done", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        ...openMenu("atlas_invoicing.menu_atlas_invoicing", "atlas_invoicing.menu_atlas_batches", "Invoice Batches"),
        {
            content: "Open the batch",
            trigger: `.o_list_view .o_data_row td[name=name]:contains("${BATCH_NAME}")`,
            run: "click",
        },
        {
            content: "The batch is done",
            trigger: `${FORM} .o_statusbar_status button.o_arrow_button_current[data-value="done"]`,
        },
        {
            content: "Its invoice",
            trigger: `${FORM} button[name=action_view_invoices]:contains("1")`,
            run: "click",
        },
        {
            content: "The contract's invoice, a draft, in the batch",
            trigger: `.o_list_view .o_data_row:contains("${BATCH_NAME}"):contains("Draft")`,
        },
        // The General Ledger, which balances.
        ...openReport("atlas_invoicing.menu_atlas_report_general_ledger", "general_ledger"),
        {
            content: "Its openings add up to zero",
            trigger: ".o_atlas_report_checks li.o_atlas_check_ok:contains('Opening balances add up to zero')",
        },
        {
            content: "... and its closings",
            trigger: ".o_atlas_report_checks li.o_atlas_check_ok:contains('Closing balances add up to zero')",
        },
    ],
});

// --- Viewer --------------------------------------------------------------------------

const AGING_CUSTOMER = "Tidewater Marine Supply";
const AGING_ROW = `.o_atlas_report_table tr.o_atlas_report_line:has(td:contains("${AGING_CUSTOMER}"))`;

registry.category("web_tour.tours").add("atlas_role_viewer", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        ...openReport("atlas_invoicing.menu_atlas_report_ar_aging", "ar_aging"),
        {
            content: "The customer owes 1,234.50, 31-60 days past due",
            trigger: `${AGING_ROW} td[data-column="b_31_60"]:contains("1,234.50")`,
        },
        {
            content: "The total ties out to the receivable accounts' balance",
            trigger: ".o_atlas_report_checks li.o_atlas_check_ok:contains('Receivable')",
        },
        ...openReport("atlas_invoicing.menu_atlas_report_profit_loss", "profit_loss"),
        {
            content: "Profit & Loss: income, then the net profit",
            trigger: '.o_atlas_report_table:has(td:contains("Income")) tr:last-child td:contains("Net Profit")',
        },
        ...openReport("atlas_invoicing.menu_atlas_report_cash_flow", "cash_flow"),
        {
            content: "Cash Flow: from the opening cash to the closing cash",
            trigger: '.o_atlas_report_table:has(td:contains("Opening cash")) td:contains("Closing cash")',
        },
        {
            content: "... which tie out to the bank and cash accounts",
            trigger: ".o_atlas_report_checks li.o_atlas_check_ok:contains('Bank and cash')",
        },
        // Back to AR Aging, and down to the invoice.
        ...openReport("atlas_invoicing.menu_atlas_report_ar_aging", "ar_aging"),
        {
            content: "Unfold the customer",
            trigger: `${AGING_ROW} .o_atlas_report_fold`,
            run: "click",
        },
        {
            content: "Open the customer's invoice",
            trigger: '.o_atlas_report_table tr.o_atlas_report_detail td.o_atlas_report_label:contains("INV/")',
            run: "click",
        },
        statusIs("posted", "Posted"),
        {
            content: "The Atlas form shows the invoice of the customer",
            trigger: `${FORM} .o_field_widget[name=partner_id]:contains("${AGING_CUSTOMER}")`,
        },
        {
            content: "... with no Send, Print & Send or Record Payment a viewer could click",
            trigger:
                `${FORM}:not(:has(button[name=action_atlas_send])):not(:has(button[name=action_invoice_sent]))` +
                ":not(:has(button[name=action_atlas_record_payment])):not(:has(button[name=action_atlas_refund]))",
        },
        {
            content: "Back to the report",
            trigger: '.o_breadcrumb a:contains("AR Aging")',
            run: "click",
        },
        {
            content: "AR Aging is on screen again",
            trigger: '.o_atlas_report[data-report="ar_aging"] .o_atlas_report_table',
        },
    ],
});

// --- Administrator -------------------------------------------------------------------

const ADMIN_CUSTOMER = "Lakeside Print Shop";

function setPrefix(prefix) {
    return [
        {
            content: "Open the Configuration menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="atlas_invoicing.menu_atlas_configuration"]',
            run: "click",
        },
        {
            content: "Open Settings",
            trigger: '.dropdown-item[data-menu-xmlid="atlas_invoicing.menu_atlas_settings"]',
            run: "click",
        },
        {
            content: "The Atlas Invoicing settings are on screen",
            trigger: ".o-settings-form-view .o_field_widget[name=atlas_invoice_prefix] input",
        },
        {
            content: `Invoice Number Prefix: ${prefix}`,
            trigger: ".o_field_widget[name=atlas_invoice_prefix] input",
            run: `edit ${prefix}`,
        },
        {
            content: "Save the settings",
            trigger: ".o_control_panel .o_form_button_save",
            run: "click",
        },
        {
            content: `The settings are saved and show the prefix ${prefix}`,
            trigger: `.o-settings-form-view:not(:has(.o_dirty_warning)) .o_field_widget[name=atlas_invoice_prefix] input:value("${prefix}")`,
        },
    ];
}

function postNewInvoice(description, prefix) {
    return [
        ...createDraftInvoice(ADMIN_CUSTOMER, { description, quantity: 1, price: 120 }),
        {
            content: "Mark as Sent (posts the invoice)",
            trigger: `${BUTTONS} button[name=action_atlas_mark_sent]`,
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        statusIs("sent", "Sent"),
        numberStartsWith(prefix),
    ];
}

registry.category("web_tour.tours").add("atlas_role_admin", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        ...setPrefix("HLB-"),
        ...postNewInvoice("Print run, HLB series", "HLB-"),
        ...setPrefix("INV/"),
        ...postNewInvoice("Print run, INV series", "INV/"),
    ],
});
