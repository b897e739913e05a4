/** @odoo-module **/
/*
 * The screen of every Atlas report (AR Aging, Profit & Loss, Cash Flow, General Ledger).
 * The client action's params name the report model; the model's get_report_data(options)
 * returns the envelope this component renders: columns, lines (with levels, folding and
 * drill-down domains), checks. The PDF and XLSX buttons post the same options to
 * /atlas_invoicing/report/<format>, so the files carry the numbers on screen.
 */
import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { SelectMenu } from "@web/core/select_menu/select_menu";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";
import { nbsp } from "@web/core/utils/strings";
import { useSetupAction } from "@web/search/action_hook";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const NUMERIC = new Set(["monetary", "number", "percent"]);
const BOLD_KINDS = new Set(["section", "subtotal", "total"]);

/** The same period one year earlier: the comparison a P&L reader expects by default. */
function previousYear(isoDate) {
    if (!isoDate) {
        return isoDate;
    }
    const date = deserializeDate(isoDate).minus({ years: 1 });
    return date.toISODate();
}

export class AtlasReportAction extends Component {
    static template = "atlas_invoicing.AtlasReportAction";
    static components = { Layout, SelectMenu };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.ui = useService("ui");
        this.reportModel = this.props.action.params?.report_model || this.props.action.context?.report_model;
        // Back from a drill-down (breadcrumb), the report comes back with its filters and folds.
        // The action may open the report on given filters (params.options, e.g. {as_of_date}).
        const saved = this.props.state || {};
        this.state = useState({
            options: saved.options || { ...(this.props.action.params?.options || {}) },
            report: null,
            toggled: new Set(saved.toggled || []),
            labels: saved.labels || {},
            accountChoices: [],
            partnerChoices: [],
            loading: false,
            loadingMore: null,
        });
        useSetupAction({
            getLocalState: () => ({
                options: this.state.options,
                toggled: [...this.state.toggled],
                labels: this.state.labels,
                loaded: this.loadedItems(),
            }),
        });
        onWillStart(async () => {
            await this.load();
            // The report is read again (a drill-down may have changed the books); the lines
            // that were open are loaded again, as many as there were.
            await this.reloadItems(saved.loaded || {});
            await this.loadFilterChoices();
        });
    }

    // --- Data ----------------------------------------------------------------------------

    async load() {
        this.state.loading = true;
        try {
            const report = await this.orm.call(this.reportModel, "get_report_data", [this.state.options]);
            // The server normalises the options (defaults, dates): show what it computed.
            this.state.options = { ...report.options };
            this.state.report = report;
        } finally {
            this.state.loading = false;
        }
    }

    /** {parent key: items loaded} of the lines open on screen: what a return restores. */
    loadedItems() {
        const loaded = {};
        if (!this.state.report) {
            return loaded;
        }
        for (const { line } of this.visibleLines) {
            if (line.kind === "detail" && line.parent) {
                loaded[line.parent] = (loaded[line.parent] || 0) + 1;
            }
        }
        return loaded;
    }

    async reloadItems(loaded) {
        for (const [parent, count] of Object.entries(loaded)) {
            let offset = -1;
            for (;;) {
                const lines = this.state.report.lines;
                const more = lines.find((l) => l.kind === "more" && l.parent === parent);
                const have = lines.filter((l) => l.kind === "detail" && l.parent === parent).length;
                // Stop when the line is gone from the report or a page brought nothing new:
                // its "Show items" link is still there to click.
                if (!more || have >= count || more.values.offset <= offset) {
                    break;
                }
                offset = more.values.offset;
                await this.loadMore(more);
            }
        }
    }

    async loadFilterChoices() {
        const report = this.state.report;
        if (!report) {
            return;
        }
        if (this.hasFilter("accounts")) {
            const accounts = await this.orm.searchRead(
                "account.account",
                [["company_ids", "in", [report.company.id]]],
                ["code", "name"],
                { order: "code" }
            );
            this.state.accountChoices = accounts.map((a) => ({ value: a.id, label: `${a.code} ${a.name}` }));
        }
        if (this.hasFilter("partners")) {
            await this.searchPartners("");
        }
    }

    async searchPartners(searchString) {
        const domain = this.state.report.report === "ar_aging" ? [["customer_rank", ">", 0]] : [];
        const found = await this.orm.call("res.partner", "name_search", [], {
            name: searchString,
            args: domain,
            limit: 12,
        });
        for (const [id, name] of found) {
            this.state.labels[id] = name;
        }
        // Keep the chosen partners among the choices, so their tags keep their names.
        const ids = new Set([...found.map(([id]) => id), ...(this.state.options.partner_ids || [])]);
        this.state.partnerChoices = [...ids].map((id) => ({ value: id, label: this.state.labels[id] || `#${id}` }));
    }

    // --- Filters -------------------------------------------------------------------------

    hasFilter(name) {
        const key = this.state.report?.report;
        switch (name) {
            case "as_of_date":
                return key === "ar_aging";
            case "period":
                return ["profit_loss", "cash_flow", "general_ledger"].includes(key);
            case "comparison":
                return key === "profit_loss";
            case "accounts":
                return key === "general_ledger";
            case "partners":
                return key === "ar_aging" || key === "general_ledger";
        }
        return false;
    }

    setOption(name, value) {
        this.state.options[name] = value;
    }

    toggleComparison(ev) {
        const { date_from, date_to } = this.state.options;
        this.state.options.comparison = ev.target.checked
            ? { date_from: previousYear(date_from), date_to: previousYear(date_to) }
            : false;
    }

    setComparison(name, value) {
        this.state.options.comparison = { ...this.state.options.comparison, [name]: value };
    }

    async onRefresh() {
        await this.load();
    }

    // --- Lines ---------------------------------------------------------------------------

    /**
     * Sections start open; a line over journal items (an AR Aging customer, whose items may
     * still be behind a "more" line) starts closed, so the report reads as a summary first.
     * A click toggles either.
     */
    isFolded(line, detailParents) {
        const byDefault = line.kind !== "section" && detailParents.has(line.key);
        return this.state.toggled.has(line.key) ? !byDefault : byDefault;
    }

    get visibleLines() {
        const lines = this.state.report.lines;
        const parents = new Set(lines.map((line) => line.parent).filter(Boolean));
        const detailParents = new Set(
            lines.filter((l) => l.kind === "detail" || l.kind === "more").map((l) => l.parent)
        );
        const byKey = new Map();
        const hidden = new Set();
        const visible = [];
        for (const line of lines) {
            byKey.set(line.key, line);
            const parent = line.parent && byKey.get(line.parent);
            if (line.parent && (hidden.has(line.parent) || (parent && this.isFolded(parent, detailParents)))) {
                hidden.add(line.key);
                continue;
            }
            const foldable = parents.has(line.key);
            visible.push({
                line,
                foldable,
                folded: foldable && this.isFolded(line, detailParents),
                // Zeros read better blank under a heading (empty aging buckets, a zero debit);
                // headings, totals and top lines such as "Opening cash" keep their 0.00.
                // A report of amounts side by side (a P&L and its comparison) keeps every 0.00.
                blankZeros:
                    this.state.report.blank_zeros !== false &&
                    !BOLD_KINDS.has(line.kind) &&
                    Boolean(line.parent || detailParents.has(line.key)),
            });
        }
        return visible;
    }

    toggleFold(line) {
        if (this.state.toggled.has(line.key)) {
            this.state.toggled.delete(line.key);
        } else {
            this.state.toggled.add(line.key);
        }
        // Unfolding a customer whose items are not loaded yet loads their first page.
        const children = this.state.report.lines.filter((l) => l.parent === line.key);
        const [first] = children;
        const opened = this.visibleLines.some((row) => row.line.key === first?.key);
        if (opened && children.length === 1 && first.kind === "more" && !first.values.offset) {
            return this.loadMore(first);
        }
    }

    get leadingTextColumns() {
        const columns = this.state.report.columns;
        const index = columns.findIndex((column) => NUMERIC.has(column.type));
        return Math.max(index === -1 ? columns.length : index, 1);
    }

    /**
     * The cells of one line. A journal item ("detail") shows its own date, entry, partner
     * and label; any other line (a customer, a section, an opening balance) shows its label
     * across the leading text columns. The PDF and the XLSX follow the same rule.
     */
    cells(line, blankZeros = false) {
        const columns = this.state.report.columns;
        const span = this.leadingTextColumns;
        const values = line.values || {};
        const isSet = (v) => v !== undefined && v !== null && v !== false && v !== "";
        const ownText =
            line.kind === "detail" && columns.slice(0, span).some((column) => isSet(values[column.key]));
        const cells = [];
        let rest = columns;
        if (!ownText) {
            cells.push({ key: "label", text: line.label || "", colspan: span, numeric: false, isLabel: true });
            rest = columns.slice(span);
        }
        const lastKey = columns[columns.length - 1].key;
        rest.forEach((column, index) => {
            let value = values[column.key];
            if (blankZeros && value === 0 && column.type === "monetary" && column.key !== lastKey) {
                value = false;
            }
            // A change in percent of a zero comparison has no value: a dash, not a blank, on a
            // section's line too (a heading without figures has no value at all: blank).
            const noPercent = column.type === "percent" && value === false;
            const isLabel = ownText && index === 0 && !isSet(value);
            if (isLabel) {
                value = line.label;
            }
            cells.push({
                key: column.key,
                text: noPercent ? "—" : this.formatValue(value, isLabel ? "char" : column.type),
                colspan: 1,
                numeric: NUMERIC.has(column.type),
                isLabel: isLabel || (ownText && index === 0),
            });
        });
        return cells;
    }

    formatValue(value, type) {
        if (value === undefined || value === null || value === false || value === "") {
            return "";
        }
        if (type === "monetary" && typeof value === "number") {
            return this.formatAmount(value);
        }
        if (type === "number" && typeof value === "number") {
            return formatFloat(value, { digits: [69, 0] });
        }
        if (type === "percent" && typeof value === "number") {
            return `${formatFloat(value, { digits: [69, 1] })}${nbsp}%`;
        }
        if (type === "date") {
            const date = deserializeDate(value);
            return date.isValid ? formatDate(date) : String(value);
        }
        return String(value);
    }

    /**
     * An amount in the report's currency, as the web client shows monetary fields: "$ 1,234.56",
     * and "-$ 150.00" (the minus before a leading symbol).
     */
    formatAmount(value) {
        const currency = this.state.report.currency;
        const amount = formatFloat(Math.abs(value), { digits: [69, currency.decimal_places ?? 2] });
        const parts = [currency.symbol, amount];
        if (currency.position === "after") {
            parts.reverse();
        }
        const sign = value < 0 && /[1-9]/.test(amount) ? "-" : "";
        return `${sign}${parts.join(nbsp)}`;
    }

    rowClass(line) {
        return {
            [`o_atlas_report_${line.kind}`]: true,
            [`o_atlas_report_level_${Math.min(line.level || 0, 3)}`]: true,
            "fw-bold": BOLD_KINDS.has(line.kind),
            o_atlas_report_clickable: Boolean(line.move_id || line.drilldown),
        };
    }

    // --- Drill-down ----------------------------------------------------------------------

    async onLineClick(line, foldable) {
        if (line.kind === "more") {
            return this.loadMore(line);
        }
        if (line.move_id) {
            return this.openMove(line);
        }
        if (line.drilldown) {
            return this.openJournalItems(line);
        }
        if (foldable) {
            this.toggleFold(line);
        }
    }

    async openMove(line) {
        // The server picks the form: the Atlas invoice form for invoices and credit notes,
        // Odoo's journal entry form for any other entry.
        const action = await this.orm.call("account.move", "action_atlas_open_document", [[line.move_id]]);
        return this.actionService.doAction(action);
    }

    openJournalItems(line) {
        // A report may name the list its items open in (the AR Aging: open amounts as of its date).
        const view = this.state.report.drilldown_view;
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name: line.label || _t("Journal Items"),
            res_model: "account.move.line",
            domain: line.drilldown,
            views: [
                [view ? view.view_id : false, "list"],
                [false, "form"],
            ],
            context: { create: false, ...(view ? view.context : {}) },
            target: "current",
        });
    }

    async loadMore(line) {
        this.state.loadingMore = line.key;
        try {
            // The filters of the report on screen, not edits in the filter bar not yet applied.
            const more = await this.orm.call(this.reportModel, "get_more_lines", [
                this.state.report.options,
                line.parent,
                line.values.offset,
            ]);
            const lines = this.state.report.lines;
            const index = lines.findIndex((l) => l.key === line.key);
            // The new page replaces the "load more" line (it may end with another one).
            lines.splice(index, 1, ...more);
        } finally {
            this.state.loadingMore = null;
        }
    }

    // --- Files ---------------------------------------------------------------------------

    /** The file of the report on screen: its applied filters, so the figures are the same. */
    async onDownload(fileFormat) {
        this.ui.block();
        try {
            await download({
                url: `/atlas_invoicing/report/${fileFormat}`,
                data: {
                    report_model: this.reportModel,
                    options: JSON.stringify(this.state.report.options),
                    // The active companies: a parent's file has the branches of the screen.
                    context: JSON.stringify({ allowed_company_ids: user.context.allowed_company_ids }),
                },
            });
        } finally {
            this.ui.unblock();
        }
    }
}

registry.category("actions").add("atlas_report", AtlasReportAction);
