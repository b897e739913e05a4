/** @odoo-module **/
/* The customer follows the invoice email's link (no login), clicks Pay Now in Odoo's portal,
   pays with the Demo provider and lands back on the invoice, now Paid. */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("atlas_collect_pay_now", {
    steps: () => [
        {
            content: "The invoice waits for payment; open the payment dialog",
            trigger: "a[data-bs-target='#pay_with']:contains(Pay Now)",
            run: "click",
        },
        {
            content: "The Demo provider is the payment option",
            trigger: "#pay_with .modal-body input[name='o_payment_radio'][data-provider-code='demo']:checked",
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
