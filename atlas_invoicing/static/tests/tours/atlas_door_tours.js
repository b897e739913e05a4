/** @odoo-module **/
/*
 * Odoo's own doors, clicked by a Bookkeeper in Odoo's own forms (Invoicing app): each is
 * refused by the server with Atlas's message, in Odoo's error dialog. Run by
 * tests/test_door_tours.py, which opens each tour on the record and checks afterwards that
 * the books did not change.
 */
import { registry } from "@web/core/registry";
import { openApp, openReport, statusIs } from "@atlas_invoicing/../tests/tours/tour_utils";

const FORM = ".o_form_view";
const BUTTONS = `${FORM} .o_statusbar_buttons`;

function refused(message) {
    return [
        {
            content: `Refused: ${message}`,
            trigger: `.o_error_dialog:contains("${message}")`,
        },
        {
            content: "Close the message",
            trigger: ".o_error_dialog .o-default-button",
            run: "click",
        },
        {
            content: "Back on the form, which is unchanged",
            trigger: `${FORM}:not(:has(.o_form_dirty))`,
        },
    ];
}

function clickThenRefused(name, button, message) {
    registry.category("web_tour.tours").add(name, {
        steps: () => [
            { content: `Click ${button}`, trigger: `${BUTTONS} button[name=${button}]`, run: "click" },
            ...refused(message),
        ],
    });
}

clickThenRefused("atlas_door_reset_to_draft", "button_draft", "Only an Atlas Accountant can reset an invoice to draft.");
clickThenRefused("atlas_door_payment_reset", "action_draft", "Only an Atlas Accountant can reset a payment to draft.");

registry.category("web_tour.tours").add("atlas_door_credit_note", {
    steps: () => [
        { content: "Credit Note", trigger: `${BUTTONS} button[name=action_reverse]`, run: "click" },
        {
            content: "Reverse, in Odoo's reversal wizard",
            trigger: ".modal button[name=refund_moves]",
            run: "click",
        },
        ...refused("Only an Atlas Accountant can refund an invoice."),
    ],
});

registry.category("web_tour.tours").add("atlas_door_pay_draft", {
    steps: () => [
        { content: "The form's gear menu", trigger: ".o_cp_action_menus button.dropdown-toggle", run: "click" },
        {
            content: "Pay (not (Un)Block Payment)",
            trigger: '.o-dropdown--menu .dropdown-item:contains("Pay"):not(:contains("Payment"))',
            run: "click",
        },
        ...refused("is not posted: a payment is recorded on a posted invoice only."),
    ],
});

/*
 * Where an Atlas user lands. The Viewer drills down from a report through the journal items'
 * Journal Entry link (Odoo's own list) and lands on the Atlas form, where nothing can be
 * changed; on Odoo's own form (opened by its URL) a refunded invoice says Refunded, not PAID.
 * The Accountant drills down from the General Ledger and resets a sent, unpaid invoice to
 * draft there; on Odoo's form Reset to Draft of an invoice with a payment is refused.
 * Run by tests/test_door_tours.py, which checks the books afterwards.
 */
const LANDING_ACCOUNT = "Door Landing Revenue";
const ACCOUNT_ROW = `.o_atlas_report_table tr:has(td.o_atlas_report_label:contains("${LANDING_ACCOUNT}"))`;
// Atlas's form: its Preview PDF button, which Odoo's form has not (both show the Atlas status bar).
const ATLAS_FORM = `${FORM}:has(.o_statusbar_buttons button[name=action_atlas_preview_pdf])`;

function drillDownToTheInvoice(report, row) {
    return [
        { content: `${report}: the landing account's row`, trigger: `${row} td.o_atlas_report_label`, run: "click" },
        {
            content: "The journal items behind it, with their Journal Entry link",
            trigger: '.o_list_view .o_data_row td[name=move_name] a:contains("INV/")',
            run: "click",
        },
        {
            content: "The invoice opens in the Atlas form (Preview PDF is there)",
            trigger: `${ATLAS_FORM} .oe_title .o_field_widget[name=name]:contains("INV/")`,
        },
    ];
}

const NOTHING_TO_CHANGE = [
    "action_atlas_send",
    "action_atlas_record_payment",
    "action_atlas_mark_sent",
    "action_atlas_refund",
    "action_atlas_reset_to_draft",
    "button_cancel",
    "button_draft",
    "action_reverse",
    "action_register_payment",
    "action_invoice_sent",
]
    .map((name) => `:not(:has(button[name=${name}]))`)
    .join("");

registry.category("web_tour.tours").add("atlas_door_viewer_lands", {
    steps: () => [
        ...openApp(),
        ...openReport("atlas_invoicing.menu_atlas_report_profit_loss", "profit_loss"),
        ...drillDownToTheInvoice("Profit & Loss", ACCOUNT_ROW),
        statusIs("sent", "Sent"),
        {
            content: "No Reset to Draft, Credit Note/Refund, Pay or Send for a Viewer",
            trigger: `${BUTTONS}${NOTHING_TO_CHANGE}:has(button[name=action_atlas_preview_pdf])`,
        },
        {
            content: "The customer can't be changed either (no input)",
            trigger: `${FORM} .o_field_widget[name=partner_id]:not(:has(input))`,
        },
        ...openReport("atlas_invoicing.menu_atlas_report_ar_aging", "ar_aging"),
        ...drillDownToTheInvoice(
            "AR Aging",
            '.o_atlas_report_table tr:has(td.o_atlas_report_label:contains("Door Tour Customer"))'
        ),
        statusIs("sent", "Sent"),
        { content: "Nothing to click there either", trigger: `${BUTTONS}${NOTHING_TO_CHANGE}` },
    ],
});

registry.category("web_tour.tours").add("atlas_door_viewer_odoo_form", {
    steps: () => [
        {
            content: "Odoo's form: the ribbon says Refunded, as the Atlas status does",
            trigger: `${FORM} .ribbon:contains("Refunded")`,
        },
        { content: "... and no PAID ribbon", trigger: `${FORM}:not(:has(.ribbon:contains("Paid")))` },
        statusIs("refunded", "Refunded"),
        {
            content: "No Draft/Posted status bar, no Print & Send or other button that changes the invoice",
            trigger: `${FORM}:not(:has(.o_field_widget[name=state]))  .o_statusbar_buttons${NOTHING_TO_CHANGE}`,
        },
    ],
});

registry.category("web_tour.tours").add("atlas_door_accountant_reset", {
    steps: () => [
        ...openApp(),
        ...openReport("atlas_invoicing.menu_atlas_report_general_ledger", "general_ledger"),
        ...drillDownToTheInvoice("General Ledger", ACCOUNT_ROW),
        statusIs("sent", "Sent"),
        { content: "Reset to Draft", trigger: `${BUTTONS} button[name=action_atlas_reset_to_draft]`, run: "click" },
        { content: "Confirm", trigger: ".modal-footer .btn-primary", run: "click" },
        statusIs("draft", "Draft"),
    ],
});

registry.category("web_tour.tours").add("atlas_door_accountant_odoo_reset", {
    steps: () => [
        statusIs("sent", "Sent"),
        { content: "Odoo's Reset to Draft", trigger: `${BUTTONS} button[name=button_draft]`, run: "click" },
        statusIs("draft", "Draft"),
    ],
});

clickThenRefused(
    "atlas_door_accountant_reset_paid",
    "button_draft",
    "has payments or credit notes, so it can't go back to draft. Refund it instead."
);
