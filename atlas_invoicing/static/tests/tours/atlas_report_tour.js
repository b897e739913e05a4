/** @odoo-module **/
/*
 * Atlas → Reports → AR Aging, as a Viewer reads it: the customer's line with its overdue
 * amount in the right bucket, the total and its tie-out, the customer unfolded, then the
 * drill-down to the journal items behind the customer and, back on the report (still
 * unfolded, its items loaded), to the journal entry behind one item. Run by
 * tests/test_report_tour.py, which posts the invoice (1,234.50, 40 days past due).
 */
import { registry } from "@web/core/registry";
import { openApp } from "@atlas_invoicing/../tests/tours/tour_utils";

const CUSTOMER = "Tour Aging Customer";
const CUSTOMER_ROW = `.o_atlas_report_table tr.o_atlas_report_line:has(td:contains("${CUSTOMER}"))`;

registry.category("web_tour.tours").add("atlas_report_ar_aging", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        {
            content: "Open the Reports menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="atlas_invoicing.menu_atlas_reports"]',
            run: "click",
        },
        {
            content: "A Viewer sees no General Ledger in it",
            trigger: '.dropdown-menu:not(:has([data-menu-xmlid="atlas_invoicing.menu_atlas_report_general_ledger"]))',
        },
        {
            content: "Open AR Aging",
            trigger: '.dropdown-item[data-menu-xmlid="atlas_invoicing.menu_atlas_report_ar_aging"]',
            run: "click",
        },
        {
            content: "The AR Aging report is on screen",
            trigger: '.o_atlas_report[data-report="ar_aging"] .o_atlas_report_table',
        },
        {
            content: "The customer owes 1,234.50, 31-60 days past due",
            trigger: `${CUSTOMER_ROW} td[data-column="b_31_60"]:contains("1,234.50")`,
        },
        {
            content: "... which is its total",
            trigger: `${CUSTOMER_ROW} td[data-column="total"]:contains("1,234.50")`,
        },
        {
            content: "The report ends with its total",
            trigger: '.o_atlas_report_table tbody tr:last-child.o_atlas_report_total td:contains("Total")',
        },
        {
            content: "The total ties out to the receivable accounts' balance",
            trigger: ".o_atlas_report_checks li.o_atlas_check_ok:contains('Receivable') .fa-check-circle",
        },
        {
            content: "Unfold the customer",
            trigger: `${CUSTOMER_ROW} .o_atlas_report_fold`,
            run: "click",
        },
        {
            content: "Its invoice is listed under it",
            trigger: '.o_atlas_report_table tr.o_atlas_report_detail td.o_atlas_report_label:contains("INV/")',
        },
        {
            content: "Drill down: the customer's journal items",
            trigger: `${CUSTOMER_ROW} td.o_atlas_report_label`,
            run: "click",
        },
        {
            content: "The journal items list is named after the customer",
            trigger: `.o_breadcrumb .active:contains("${CUSTOMER}")`,
        },
        {
            content: "It lists the invoice's receivable item",
            trigger: '.o_list_view .o_data_row:contains("INV/")',
        },
        {
            content: "... with what was open of it on the report's date beside what it was booked for",
            trigger: '.o_list_view th[data-name="atlas_open_amount_as_of"]:contains("Open Amount")',
        },
        {
            content: "... and nothing can be created from it",
            trigger: ".o_control_panel:not(:has(.o_list_button_add))",
        },
        {
            content: "Back to the report",
            trigger: '.o_breadcrumb a:contains("AR Aging")',
            run: "click",
        },
        {
            content: "Back on the report, the customer is still unfolded with its invoice (no 'Show items' link)",
            trigger:
                '.o_atlas_report_table:not(:has(tr.o_atlas_report_more)) tr.o_atlas_report_detail td.o_atlas_report_label:contains("INV/")',
        },
        {
            content: "Open the journal entry of the invoice",
            trigger: '.o_atlas_report_table tr.o_atlas_report_detail td.o_atlas_report_label:contains("INV/")',
            run: "click",
        },
        {
            content: "The invoice opens in the Atlas form: its status bar, no Print & Send",
            trigger:
                '.o_form_view:not(:has(button[name="action_invoice_sent"])) .o_field_widget[name=atlas_status] .o_arrow_button_current:contains("Posted")',
        },
        {
            content: "The Atlas form shows the invoice",
            trigger: '.o_form_view .o_field_widget[name=name]:contains("INV/")',
        },
    ],
});

/*
 * Atlas → Reports → General Ledger, as the tutorial's Bookkeeper reads it: the menu is
 * theirs, and the ledger balances (openings and closings add up to zero). Run by
 * tests/test_report_tour.py.
 */
registry.category("web_tour.tours").add("atlas_report_general_ledger_bookkeeper", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        {
            content: "Open the Reports menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="atlas_invoicing.menu_atlas_reports"]',
            run: "click",
        },
        {
            content: "A Bookkeeper opens the General Ledger",
            trigger: '.dropdown-item[data-menu-xmlid="atlas_invoicing.menu_atlas_report_general_ledger"]',
            run: "click",
        },
        {
            content: "The General Ledger is on screen",
            trigger: '.o_atlas_report[data-report="general_ledger"] .o_atlas_report_table',
        },
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
