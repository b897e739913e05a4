/** @odoo-module **/
/*
 * "Your First Invoice", step 4, as a Bookkeeper clicks it: record a partial payment by
 * check on a sent invoice of 100.00, then the rest (the amount defaults to the balance
 * due) by ACH. Run by tests/test_tour.py, which prepares the sent invoice and checks the
 * ledger afterwards.
 */
import { registry } from "@web/core/registry";
import { openApp, openMenu, statusIs } from "@atlas_invoicing/../tests/tours/tour_utils";

const CUSTOMER = "Payment Tour Customer";
const WIZARD = ".modal .o_form_view";

function openWizard(balanceDue) {
    return [
        {
            content: "Record Payment",
            trigger:
                '.o_form_view .o_statusbar_buttons button[name=action_atlas_record_payment]:contains("Record Payment")',
            run: "click",
        },
        {
            content: "The Record Payment wizard is open",
            trigger: `.modal .modal-title:contains("Record Payment")`,
        },
        {
            content: `The balance due is ${balanceDue}`,
            trigger: `${WIZARD} .o_field_widget[name=amount_due]:contains("${balanceDue}")`,
        },
        {
            content: "A deposit account is chosen (the first bank journal)",
            trigger: `${WIZARD} .o_field_widget[name=journal_id] input:value(/\\S/)`,
        },
    ];
}

function chooseMethod(label) {
    // The tour's ":contains" ignores case and matches parts of words ("ACH" is in "Cash"):
    // match the whole label.
    const exactly = `/^${label}$/`;
    return [
        {
            content: `Payment Method: ${label}`,
            trigger: `${WIZARD} .o_field_widget[name=method] select`,
            run: `selectByLabel ${exactly}`,
        },
        {
            content: `${label} is chosen`,
            trigger: `${WIZARD} .o_field_widget[name=method] select:has(option:selected:contains(${exactly}))`,
        },
    ];
}

function applyPayment() {
    return [
        {
            content: "Apply Payment",
            trigger: '.modal .modal-footer button[name=action_apply]:contains("Apply Payment")',
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
    ];
}

registry.category("web_tour.tours").add("atlas_record_payment", {
    url: "/odoo",
    steps: () => [
        // --- Open the sent invoice -----------------------------------------------
        ...openApp(),
        ...openMenu("atlas_invoicing.menu_atlas_invoicing", "atlas_invoicing.menu_atlas_invoices", "Invoices"),
        {
            content: `Open the invoice of ${CUSTOMER}`,
            trigger: `.o_list_view .o_data_row td[name=partner_id]:contains("${CUSTOMER}")`,
            run: "click",
        },
        {
            // A sent invoice is read-only: the customer is a link, not an input.
            content: "The invoice is open",
            trigger: `.o_form_view .o_field_widget[name=partner_id]:contains("${CUSTOMER}")`,
        },
        statusIs("sent", "Sent"),

        // --- Step 4: a partial payment by check ------------------------------------
        ...openWizard("100.00"),
        {
            content: "The amount defaults to the balance due",
            trigger: `${WIZARD} .o_field_widget[name=amount] input:value("100.00")`,
        },
        {
            // The box only takes its value on "change" (or Tab/Enter), which the tour does not fire
            // when a later step moves the focus: so type, then Tab out, as a user would.
            content: "Amount Received: 40",
            trigger: `${WIZARD} .o_field_widget[name=amount] input`,
            run: "edit 40 && press Tab",
        },
        {
            content: "The amount is 40.00",
            trigger: `${WIZARD} .o_field_widget[name=amount] input:value("40.00")`,
        },
        ...chooseMethod("Check"),
        {
            content: "The amount is still 40.00",
            trigger: `${WIZARD} .o_field_widget[name=amount] input:value("40.00")`,
        },
        ...applyPayment(),
        statusIs("partial", "Partially Paid"),

        // --- ... then the rest by ACH ----------------------------------------------
        ...openWizard("60.00"),
        {
            content: "The amount defaults to the balance due, 60.00",
            trigger: `${WIZARD} .o_field_widget[name=amount] input:value("60.00")`,
        },
        ...chooseMethod("ACH"),
        ...applyPayment(),
        statusIs("paid", "Paid"),
        {
            content: "Record Payment is gone: nothing is left to pay",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_atlas_record_payment]))",
        },
    ],
});
