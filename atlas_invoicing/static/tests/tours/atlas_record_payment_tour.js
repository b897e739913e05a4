/** @odoo-module **/
/*
 * "Your First Invoice", step 4, as a Bookkeeper clicks it: record a partial payment by
 * check on a sent invoice of 100.00, then the rest (the amount defaults to the balance
 * due) by ACH. Run by tests/test_tour.py, which prepares the sent invoice and checks the
 * ledger afterwards.
 */
import { registry } from "@web/core/registry";
import {
    applyPayment,
    choosePaymentMethod,
    openApp,
    openListedInvoice,
    openMenu,
    openPaymentWizard,
    statusIs,
    typePaymentAmount,
} from "@atlas_invoicing/../tests/tours/tour_utils";

const CUSTOMER = "Payment Tour Customer";
const WIZARD = ".modal .o_form_view";

registry.category("web_tour.tours").add("atlas_record_payment", {
    url: "/odoo",
    steps: () => [
        // --- Open the sent invoice -----------------------------------------------
        ...openApp(),
        ...openMenu("atlas_invoicing.menu_atlas_invoicing", "atlas_invoicing.menu_atlas_invoices", "Invoices"),
        ...openListedInvoice(CUSTOMER),
        statusIs("sent", "Sent"),

        // --- Step 4: a partial payment by check ------------------------------------
        ...openPaymentWizard("100.00"),
        {
            content: "The amount defaults to the balance due",
            trigger: `${WIZARD} .o_field_widget[name=amount] input:value("100.00")`,
        },
        ...typePaymentAmount("40.00"),
        ...choosePaymentMethod("Check"),
        {
            content: "The amount is still 40.00",
            trigger: `${WIZARD} .o_field_widget[name=amount] input:value("40.00")`,
        },
        ...applyPayment(),
        statusIs("partial", "Partially Paid"),

        // --- ... then the rest by ACH ----------------------------------------------
        ...openPaymentWizard("60.00"),
        {
            content: "The amount defaults to the balance due, 60.00",
            trigger: `${WIZARD} .o_field_widget[name=amount] input:value("60.00")`,
        },
        ...choosePaymentMethod("ACH"),
        ...applyPayment(),
        statusIs("paid", "Paid"),
        {
            content: "Record Payment is gone: nothing is left to pay",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_atlas_record_payment]))",
        },
    ],
});
