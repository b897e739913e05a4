/** @odoo-module **/
/*
 * Banking, as a Bookkeeper clicks it: import the bank's CSV (the journal's default mapping
 * reads it), preview it, import it, confirm the line Atlas matched to the customer's invoice,
 * and the invoice is Paid. Run by tests/test_bank_tour.py, which prepares the sent invoice
 * and the mapping, and checks the ledger afterwards.
 */
import { registry } from "@web/core/registry";
import { openApp, openMenu, statusIs } from "@atlas_invoicing/../tests/tours/tour_utils";

const CUSTOMER = "Bank Tour Customer";
const WIZARD = ".modal .o_form_view";
const CSV = [
    "Date,Description,Reference,Payer,Amount,Balance,Method",
    `2026-03-02,INCOMING WIRE,,${CUSTOMER},321.00,1321.00,Wire Transfer`,
    "2026-03-03,ZZ UNKNOWN DEPOSIT,,Somebody Else,0.42,1321.42,",
    "",
].join("\n");

registry.category("web_tour.tours").add("atlas_bank_import", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        {
            content: "Open Banking",
            trigger: '.o_main_navbar button[data-menu-xmlid="atlas_invoicing_bank.menu_atlas_banking"]',
            run: "click",
        },
        {
            content: "Import Statement",
            trigger: '.dropdown-item[data-menu-xmlid="atlas_invoicing_bank.menu_atlas_statement_import"]',
            run: "click",
        },
        {
            content: "The import wizard is open, with the bank journal and its CSV mapping",
            trigger: `${WIZARD} .o_field_widget[name=sheet_mapping_id] input:value(/Tour CSV/)`,
        },
        {
            // A user clicks "Upload your file" and picks the file in the browser's dialog; the
            // tour hands the same file to the field's (hidden) file input.
            content: "Choose the bank's CSV file",
            trigger: `${WIZARD} .o_field_widget[name=statement_file] .o_select_file_button`,
            run() {
                const input = this.anchor.closest(".o_field_widget").querySelector("input[type=file]");
                const transfer = new DataTransfer();
                transfer.items.add(new File([CSV], "checking-march.csv", { type: "text/csv" }));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is loaded",
            trigger: `${WIZARD} .o_field_widget[name=statement_file] input:value("checking-march.csv")`,
        },
        {
            content: "Preview",
            trigger: ".modal .modal-footer button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview shows 2 new lines and the balances",
            trigger: `${WIZARD} .o_field_widget[name=line_count]:contains("2")`,
        },
        {
            content: "... and the end balance",
            trigger: `${WIZARD} .o_field_widget[name=balance_end]:contains("1,321.42")`,
        },
        {
            content: "Import",
            trigger: ".modal .modal-footer button[name=action_import]",
            run: "click",
        },
        {
            content: "One line is matched",
            trigger: `${WIZARD} .o_field_widget[name=matched_count]:contains("1")`,
        },
        {
            content: "Reconcile",
            trigger: ".modal .modal-footer button[name=action_open_reconcile]",
            run: "click",
        },
        {
            content: `The line of ${CUSTOMER} is matched to the invoice by customer and amount`,
            trigger: `.o_list_view .o_data_row:has(td[name=partner_name]:contains("${CUSTOMER}")) td[name=atlas_match_label]:contains("Customer and amount")`,
        },
        {
            content: "The unknown line stays open, matched to nothing",
            trigger: '.o_list_view .o_data_row:has(td[name=payment_ref]:contains("ZZ UNKNOWN DEPOSIT"))',
        },
        {
            content: "Confirm the match",
            trigger: `.o_list_view .o_data_row:has(td[name=partner_name]:contains("${CUSTOMER}")) button[name=action_atlas_confirm_match]`,
            run: "click",
        },
        {
            content: "The confirmed line leaves the lines to confirm",
            trigger: `.o_list_view:not(:has(td[name=partner_name]:contains("${CUSTOMER}")))`,
        },
        ...openMenu("atlas_invoicing.menu_atlas_invoicing", "atlas_invoicing.menu_atlas_invoices", "Invoices"),
        {
            content: `Open the invoice of ${CUSTOMER}`,
            trigger: `.o_list_view .o_data_row td[name=partner_id]:contains("${CUSTOMER}")`,
            run: "click",
        },
        statusIs("paid", "Paid"),
    ],
});
