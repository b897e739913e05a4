/** @odoo-module **/
/*
 * A negative amount reads "-$ 150.00", the minus before the currency symbol, as a bookkeeper
 * writes it: Odoo formats the number with its sign, then puts the symbol in front of it
 * ("$ -150.00"). A currency whose symbol follows the number already reads "-150.00 €".
 * Both ways Odoo shows a monetary value in the web client go through here: list cells (the
 * "monetary" formatter) and the monetary field itself (forms, editable lists' read mode).
 */
import { getCurrency } from "@web/core/currency";
import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";
import { formatMonetary } from "@web/views/fields/formatters";
import { MonetaryField } from "@web/views/fields/monetary/monetary_field";

/**
 * The formatted amount with its minus moved before the symbol, when the symbol comes first.
 * ``formatted`` is how Odoo wrote ``value``; ``formatAbsolute`` writes the amount without sign.
 */
export function signBeforeSymbol(value, currencyId, formatted, formatAbsolute) {
    const currency = getCurrency(currencyId);
    if (typeof value !== "number" || value >= 0 || !currency || currency.position === "after") {
        return formatted;
    }
    const absolute = formatAbsolute(-value);
    // An amount that rounds to zero has no sign to show.
    return /[1-9]/.test(absolute) ? `-${absolute}` : absolute;
}

function currencyIdOf(options) {
    if (options.currencyId) {
        return options.currencyId;
    }
    if (!options.data) {
        return undefined;
    }
    const currencyField =
        options.currencyField || (options.field && options.field.currency_field) || "currency_id";
    const dataValue = options.data[currencyField];
    return Array.isArray(dataValue) ? dataValue[0] : dataValue;
}

export function formatMonetarySignFirst(value, options = {}) {
    const formatted = formatMonetary(value, options);
    if (options.noSymbol) {
        return formatted;
    }
    return signBeforeSymbol(value, currencyIdOf(options), formatted, (absolute) =>
        formatMonetary(absolute, options)
    );
}
formatMonetarySignFirst.extractOptions = formatMonetary.extractOptions;

registry.category("formatters").add("monetary", formatMonetarySignFirst, { force: true });

patch(MonetaryField.prototype, {
    get formattedValue() {
        const formatted = super.formattedValue;
        if (typeof formatted !== "string" || !this.props.readonly || this.props.hideSymbol) {
            return formatted;
        }
        const value = this.value;
        return signBeforeSymbol(value, this.currencyId, formatted, (absolute) =>
            formatMonetary(absolute, { digits: this.currencyDigits, currencyId: this.currencyId })
        );
    },
});
