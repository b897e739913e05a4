/** @odoo-module **/
/*
 * "Your First Invoice", steps 1-3, as a Bookkeeper clicks them: create a customer,
 * create a draft invoice for it, then send it by email. Run by tests/test_tour.py,
 * which checks the ledger afterwards.
 */
import { registry } from "@web/core/registry";
import {
    createCustomer,
    createDraftInvoice,
    numberStartsWith,
    openApp,
    sendByEmail,
} from "@atlas_invoicing/../tests/tours/tour_utils";

const CUSTOMER = "Tour Customer Ltd";

registry.category("web_tour.tours").add("atlas_first_invoice", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        // Step 1: a customer.
        ...createCustomer(CUSTOMER, "tour@customer.example"),
        // Step 2: a draft invoice, one line of 2 x 50 with the default sales tax.
        ...createDraftInvoice(CUSTOMER, { description: "Tour consulting", quantity: 2, price: 50 }),
        // Step 3: send it.
        ...sendByEmail(CUSTOMER),
        numberStartsWith("INV/"),
    ],
});
