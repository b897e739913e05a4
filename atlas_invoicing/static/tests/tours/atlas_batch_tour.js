/** @odoo-module **/
/*
 * An invoice batch as an accountant follows it: the form keeps up with a run in the
 * background without a reload (atlas_batch_progress, on a batch left Generating at 1 of 4
 * contracts); one of its invoices shows its batch, contract and period under labels, and
 * its contract line's period (atlas_batch_invoice_form). Run by tests/test_batch_tour.py.
 */
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

const BATCH = "Tour January billing";

async function writeBatch(values) {
    const [batch] = await rpc("/web/dataset/call_kw/atlas.invoice.batch/search_read", {
        model: "atlas.invoice.batch",
        method: "search_read",
        args: [[["name", "=", BATCH]], ["id"]],
        kwargs: {},
    });
    await rpc("/web/dataset/call_kw/atlas.invoice.batch/write", {
        model: "atlas.invoice.batch",
        method: "write",
        args: [[batch.id], values],
        kwargs: {},
    });
}

registry.category("web_tour.tours").add("atlas_batch_progress", {
    steps: () => [
        {
            content: "The batch is generating: 1 of 4 contracts processed",
            trigger: '.o_form_view .alert-info:contains("Generating") .o_field_widget[name=contract_done]:contains("1")',
        },
        {
            content: "Another worker processes two more contracts (the page is not reloaded)",
            trigger: ".o_form_view .alert-info .o_field_widget[name=contract_done]",
            run: () => writeBatch({ contract_done: 3 }),
        },
        {
            content: "The form follows the run: 3 of 4",
            trigger: '.o_form_view .alert-info .o_field_widget[name=contract_done]:contains("3")',
        },
        {
            content: "The run ends",
            trigger: ".o_form_view .o_field_widget[name=contract_done]",
            run: () => writeBatch({ contract_done: 4, state: "done" }),
        },
        {
            content: "The form shows it done, without a reload",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value="done"]',
        },
        {
            content: "... and no longer says it is generating",
            trigger: ".o_form_view:not(:has(.alert-info:contains('Generating')))",
        },
    ],
});

registry.category("web_tour.tours").add("atlas_batch_invoice_form", {
    steps: () => [
        {
            content: "The invoice names its batch, under a label",
            trigger: `.o_form_view .o_inner_group:has(label.o_form_label:contains("Batch")) .o_field_widget[name=atlas_batch_id] input:value("${BATCH}")`,
        },
        {
            content: "... its contract",
            trigger: '.o_form_view .o_inner_group:has(label.o_form_label:contains("Contract")) .o_field_widget[name=atlas_contract_id]:contains("Tour managed IT")',
        },
        {
            content: "... and the period it bills",
            trigger: '.o_form_view .o_inner_group:has(label.o_form_label:contains("Period Start")) .o_field_widget[name=atlas_period_start]',
        },
        {
            content: "The contract line's Description reads the product, then its period",
            trigger: 'div[name=invoice_line_ids] tr.o_data_row td[name=name]:contains("01/31/2027")',
            run() {
                const expected = "Managed IT services, 01/01/2027 to 01/31/2027";
                const text = this.anchor.textContent.trim();
                if (text !== expected) {
                    throw new Error(`The line's Description reads "${text}", not "${expected}".`);
                }
            },
        },
    ],
});
