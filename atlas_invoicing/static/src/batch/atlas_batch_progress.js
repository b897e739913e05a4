/** @odoo-module **/
/*
 * The batch form follows a run in the background: while the batch is Generating, the record
 * is read again every few seconds (progress, counts, state, errors), so the bookkeeper sees
 * it move and end without reloading the page. Unsaved edits are never overwritten: a dirty
 * record waits for the next tick.
 */
import { Component, onWillUnmount, useEffect } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

export const POLL_DELAY = 3000;

export class AtlasBatchProgress extends Component {
    static template = "atlas_invoicing.AtlasBatchProgress";
    static props = { ...standardWidgetProps };

    setup() {
        this.timer = null;
        useEffect(
            (state) => {
                this.stop();
                if (state === "running") {
                    this.timer = browser.setInterval(() => this.refresh(), POLL_DELAY);
                }
                return () => this.stop();
            },
            () => [this.props.record.data.state]
        );
        onWillUnmount(() => this.stop());
    }

    stop() {
        if (this.timer) {
            browser.clearInterval(this.timer);
            this.timer = null;
        }
    }

    async refresh() {
        const record = this.props.record;
        if (this.refreshing || record.data.state !== "running" || (await record.isDirty())) {
            return;
        }
        this.refreshing = true;
        try {
            await record.load();
        } finally {
            this.refreshing = false;
        }
    }
}

registry.category("view_widgets").add("atlas_batch_progress", { component: AtlasBatchProgress });
