/** @odoo-module **/
/*
 * Odoo's own doors, clicked by a Bookkeeper in Odoo's own forms (Invoicing app): each is
 * refused by the server with Atlas's message, in Odoo's error dialog. Run by
 * tests/test_door_tours.py, which opens each tour on the record and checks afterwards that
 * the books did not change.
 */
import { registry } from "@web/core/registry";

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
