/** @odoo-module **/
/*
 * Steps the Atlas Invoicing tours share: open the app, open a menu item, read the status bar,
 * create a customer and an invoice, send it, record a payment, catch a file the web client
 * opens in a new tab.
 */
import { browser } from "@web/core/browser/browser";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const LINES = "div[name=invoice_line_ids]";
const ROW = `${LINES} .o_selected_row`;
const PAYMENT_WIZARD = ".modal .o_form_view";

/** Open Atlas Invoicing from the home menu and wait until it is open. */
export function openApp() {
    return [
        ...stepUtils.goToAppSteps("atlas_invoicing.menu_atlas_root", "Open Atlas Invoicing"),
        {
            content: "The Atlas Invoicing app is open",
            trigger: '.o_main_navbar .o_menu_brand:contains("Atlas Invoicing")',
        },
    ];
}

/** Open a menu item of the top bar (section, then item) and wait for its breadcrumb. */
export function openMenu(sectionXmlid, itemXmlid, breadcrumb) {
    return [
        {
            content: `Open the menu ${sectionXmlid}`,
            trigger: `.o_main_navbar button[data-menu-xmlid="${sectionXmlid}"]`,
            run: "click",
        },
        {
            content: `Open ${itemXmlid}`,
            trigger: `.dropdown-item[data-menu-xmlid="${itemXmlid}"]`,
            run: "click",
        },
        {
            content: `Wait for the ${breadcrumb} list`,
            trigger: `.o_breadcrumb .active:contains("${breadcrumb}")`,
        },
    ];
}

/** Open one of Atlas → Reports and wait until its table is on screen. */
export function openReport(menuXmlid, report) {
    return [
        {
            content: "Open the Reports menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="atlas_invoicing.menu_atlas_reports"]',
            run: "click",
        },
        {
            content: `Open ${menuXmlid}`,
            trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
        {
            content: `The ${report} report is on screen`,
            trigger: `.o_atlas_report[data-report="${report}"] .o_atlas_report_table`,
        },
    ];
}

/** The form's status bar shows this status as the current one. */
export function statusIs(value, label) {
    return {
        content: `The status bar shows "${label}" as the current status`,
        trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value="${value}"]:contains("${label}")`,
    };
}

/** Open the invoice of this customer from the list on screen. */
export function openListedInvoice(customer) {
    return [
        {
            content: `Open the invoice of ${customer}`,
            trigger: `.o_list_view .o_data_row td[name=partner_id]:contains("${customer}")`,
            run: "click",
        },
        {
            // A posted invoice is read-only: the customer is a link, not an input.
            content: "The invoice is open",
            trigger: `.o_form_view .o_field_widget[name=partner_id]:contains("${customer}")`,
        },
    ];
}

/** Atlas → Contacts → Customers → New: a customer with the email its invoices go to. */
export function createCustomer(name, email) {
    return [
        ...openMenu("atlas_invoicing.menu_atlas_contacts", "atlas_invoicing.menu_atlas_customers", "Customers"),
        {
            content: "New customer",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Customer name",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: `edit ${name}`,
        },
        {
            content: "Customer email",
            trigger: ".o_form_view .o_field_widget[name=email] input",
            run: `edit ${email}`,
        },
        ...stepUtils.saveForm(),
        {
            content: "The customer is saved",
            trigger: `.o_breadcrumb .active:contains("${name}")`,
        },
    ];
}

/**
 * Atlas → Invoicing → Invoices → New: a draft for this customer with one line typed without a
 * product (description, quantity, price), which gets the company's default sales tax.
 */
export function createDraftInvoice(customer, { description, quantity, price }) {
    return [
        ...openMenu("atlas_invoicing.menu_atlas_invoicing", "atlas_invoicing.menu_atlas_invoices", "Invoices"),
        {
            content: "New invoice",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Type the customer's name",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: `edit ${customer}`,
        },
        {
            content: "Pick the customer",
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains("${customer}")`,
            run: "click",
        },
        {
            content: "The customer is set",
            trigger: `.o_form_view .o_field_widget[name=partner_id] input:value("${customer}")`,
        },
        {
            content: "Add a line",
            trigger: `${LINES} .o_field_x2many_list_row_add a:contains("Add a line")`,
            run: "click",
        },
        {
            // The line's Description has a column of its own, typed in directly (no product).
            content: "Description",
            trigger: `${LINES} thead th[data-name=name]:contains("Description")`,
        },
        {
            content: "Type the description",
            trigger: `${ROW} td[name=name] textarea`,
            run: `edit ${description}`,
        },
        {
            content: "Quantity",
            trigger: `${ROW} td[name=quantity] input`,
            run: `edit ${quantity}`,
        },
        {
            content: "Price",
            trigger: `${ROW} td[name=price_unit] input`,
            run: `edit ${price}`,
        },
        {
            content: "The new line has the company's default sales tax",
            trigger: `${ROW} td[name=tax_ids] .o_tag`,
        },
        ...stepUtils.saveForm(),
        {
            content: "The line is saved",
            trigger: `${LINES} tr.o_data_row td[name=name]:contains("${description}")`,
        },
        statusIs("draft", "Draft"),
    ];
}

/** Send Invoice → Email → Send: the draft is posted and emailed to the customer. */
export function sendByEmail(customer) {
    return [
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
            trigger: `.modal .o_field_widget[name=partner_ids] .o_tag:contains("${customer}")`,
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
    ];
}

/** The invoice number shown in the form's title starts with this prefix. */
export function numberStartsWith(prefix) {
    return {
        content: `The invoice number starts with ${prefix}`,
        trigger: `.o_form_view .oe_title .o_field_widget[name=name]:contains("${prefix}")`,
        run() {
            const number = this.anchor.textContent.trim();
            if (!number.startsWith(prefix)) {
                throw new Error(`The invoice number should start with ${prefix}, got "${number}"`);
            }
        },
    };
}

/** Record Payment: the wizard opens on the balance due, with a deposit account chosen. */
export function openPaymentWizard(balanceDue) {
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
            trigger: `${PAYMENT_WIZARD} .o_field_widget[name=amount_due]:contains("${balanceDue}")`,
        },
        {
            content: "A deposit account is chosen (the first bank journal)",
            trigger: `${PAYMENT_WIZARD} .o_field_widget[name=journal_id] input:value(/\\S/)`,
        },
    ];
}

/** Type the amount received, as a user does (typed, then Tab). */
export function typePaymentAmount(amount) {
    return [
        {
            // The box only takes its value on "change" (or Tab/Enter), which the tour does not fire
            // when a later step moves the focus: so type, then Tab out, as a user would.
            content: `Amount Received: ${amount}`,
            trigger: `${PAYMENT_WIZARD} .o_field_widget[name=amount] input`,
            run: `edit ${amount} && press Tab`,
        },
        {
            content: `The amount is ${amount}`,
            trigger: `${PAYMENT_WIZARD} .o_field_widget[name=amount] input:value("${amount}")`,
        },
    ];
}

/** Choose the payment method of the wizard on screen. */
export function choosePaymentMethod(label) {
    // The tour's ":contains" ignores case and matches parts of words ("ACH" is in "Cash"):
    // match the whole label.
    const exactly = `/^${label}$/`;
    return [
        {
            content: `Payment Method: ${label}`,
            trigger: `${PAYMENT_WIZARD} .o_field_widget[name=method] select`,
            run: `selectByLabel ${exactly}`,
        },
        {
            content: `${label} is chosen`,
            trigger: `${PAYMENT_WIZARD} .o_field_widget[name=method] select:has(option:selected:contains(${exactly}))`,
        },
    ];
}

/** Apply Payment, and wait for the wizard to close. */
export function applyPayment() {
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

/**
 * Keep what the web client opens in a new tab (a PDF preview, a file download) instead of
 * opening it: the headless browser would only download it. The URLs are written on the page's
 * body, where openedUrl() waits for them.
 */
export function catchNewTabs() {
    return {
        content: "Catch the pages the web client opens in a new tab",
        trigger: "body",
        run() {
            const opened = [];
            browser.open = (url) => {
                opened.push(String(url));
                document.body.setAttribute("data-atlas-opened", opened.join(" "));
                return { closed: false };
            };
        },
    };
}

/** The web client opened a URL containing this text in a new tab. */
export function openedUrl(text, what) {
    return {
        content: `The web client opened ${what} in a new tab`,
        trigger: `body[data-atlas-opened*="${text}"]`,
    };
}
