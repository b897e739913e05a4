/** @odoo-module **/
/*
 * "Your First Invoice", steps 1-3, as a Bookkeeper clicks them: create a customer,
 * create a draft invoice for it, then send it by email. Run by tests/test_tour.py,
 * which checks the ledger afterwards.
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import { openApp, openMenu, statusIs } from "@atlas_invoicing/../tests/tours/tour_utils";

const CUSTOMER = "Tour Customer Ltd";
const LINES = "div[name=invoice_line_ids]";
const ROW = `${LINES} .o_selected_row`;

registry.category("web_tour.tours").add("atlas_first_invoice", {
    url: "/odoo",
    steps: () => [
        // --- Open the app ---------------------------------------------------------
        ...openApp(),

        // --- Step 1: a customer ---------------------------------------------------
        ...openMenu("atlas_invoicing.menu_atlas_contacts", "atlas_invoicing.menu_atlas_customers", "Customers"),
        {
            content: "New customer",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Customer name",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: `edit ${CUSTOMER}`,
        },
        {
            content: "Customer email",
            trigger: ".o_form_view .o_field_widget[name=email] input",
            run: "edit tour@customer.example",
        },
        ...stepUtils.saveForm(),
        {
            content: "The customer is saved",
            trigger: `.o_breadcrumb .active:contains("${CUSTOMER}")`,
        },

        // --- Step 2: a draft invoice ----------------------------------------------
        ...openMenu("atlas_invoicing.menu_atlas_invoicing", "atlas_invoicing.menu_atlas_invoices", "Invoices"),
        {
            content: "New invoice",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Type the customer's name",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "edit Tour Customer",
        },
        {
            content: "Pick the customer",
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains("${CUSTOMER}")`,
            run: "click",
        },
        {
            content: "The customer is set",
            trigger: `.o_form_view .o_field_widget[name=partner_id] input:value("${CUSTOMER}")`,
        },
        {
            content: "Add a line",
            trigger: `${LINES} .o_field_x2many_list_row_add a:contains("Add a line")`,
            run: "click",
        },
        {
            content: "Show the line's description (no product)",
            trigger: `${ROW} td[name=product_id] button#labelVisibilityButtonId`,
            run: "click",
        },
        {
            // The description box only reads its value on "change", which the tour fires when
            // the box loses focus within the same step: so type, then move on to the quantity.
            content: "Description",
            trigger: `${ROW} td[name=product_id] textarea`,
            run: `edit Tour consulting && click ${ROW} td[name=quantity] input`,
        },
        {
            content: "Quantity",
            trigger: `${ROW} td[name=quantity] input`,
            run: "edit 2",
        },
        {
            content: "Price",
            trigger: `${ROW} td[name=price_unit] input`,
            run: "edit 50",
        },
        {
            content: "The new line has the company's default sales tax",
            trigger: `${ROW} td[name=tax_ids] .o_tag`,
        },
        ...stepUtils.saveForm(),
        {
            content: "The line is saved",
            trigger: `${LINES} tr.o_data_row td[name=product_id] textarea:value("Tour consulting")`,
        },
        statusIs("draft", "Draft"),

        // --- Step 3: send it --------------------------------------------------------
        {
            content: "Send Invoice",
            trigger: '.o_form_view .o_statusbar_buttons button[name=action_atlas_send]:contains("Send Invoice")',
            run: "click",
        },
        {
            content: "The Send Invoice wizard is open",
            trigger: ".modal .o_form_view .o_field_widget[name=delivery]",
        },
        {
            content: "Delivery: Email",
            trigger: ".modal .o_field_widget[name=delivery] input[data-value=email]",
            run: "click",
        },
        {
            content: "Email is chosen",
            trigger: ".modal .o_field_widget[name=delivery] input[data-value=email]:checked",
        },
        {
            content: "The customer is the recipient",
            trigger: `.modal .o_field_widget[name=partner_ids] .o_tag:contains("${CUSTOMER}")`,
        },
        {
            content: "Send",
            trigger: '.modal .modal-footer button[name=action_send]:contains("Send Invoice")',
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
        statusIs("sent", "Sent"),
        {
            content: "The invoice has its number",
            trigger: '.o_form_view .oe_title .o_field_widget[name=name]:contains("INV/")',
            run() {
                const number = this.anchor.textContent.trim();
                if (!number.startsWith("INV/")) {
                    throw new Error(`The invoice number should start with INV/, got "${number}"`);
                }
            },
        },
    ],
});
