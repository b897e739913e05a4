/** @odoo-module **/
/* The customer follows the invoice email's Pay now link (no login): Odoo's portal opens the
   invoice with its payment dialog; the customer pays with the Demo provider and lands back on
   the invoice, now Paid. */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("atlas_collect_pay_now", {
    steps: () => [
        {
            content: "The payment dialog is open, the Demo provider its payment option",
            trigger: "#pay_with.show .modal-body input[name='o_payment_radio'][data-provider-code='demo']:checked",
        },
        {
            content: "Pay",
            trigger: "#pay_with button[name='o_payment_submit_button']:enabled",
            run: "click",
        },
        {
            content: "Back on the invoice, which is paid",
            trigger: ".o_portal_sidebar .badge:contains(Paid)",
            timeout: 20000,
        },
    ],
});
