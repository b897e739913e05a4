/** @odoo-module **/
/*
 * An invoice line's product cell shows the product, and under it the line's description
 * without the product's name. Odoo cuts the name out wherever it is, which suits its own
 * "Product\nDescription" but leaves a stray separator when the description continues on the
 * product's line, as OCA contract lines do ("Managed IT services, #START# to #END#" gives
 * ", 01/01/2027 to 01/31/2027"). Such a line shows its details without the separator.
 */
import { ProductLabelSectionAndNoteField } from "@account/components/product_label_section_and_note_field/product_label_section_and_note_field";
import { patch } from "@web/core/utils/patch";

const LEADING_SEPARATOR = /^[\s,;:\-–—]+/;

patch(ProductLabelSectionAndNoteField.prototype, {
    get label() {
        const name = this.props.record.data.name || "";
        const product = this.productName;
        if (product && name !== product && name.startsWith(product) && !name.startsWith(`${product}\n`)) {
            return name.slice(product.length).replace(LEADING_SEPARATOR, "");
        }
        return super.label;
    },
});
