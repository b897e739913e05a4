"""AR Aging by last reminder: the open items of the invoices whose last reminder step (on the
as-of date) is a given step, any step, or none.

The option ``reminder_step`` is False (every item), "any" (invoices reminded at some step),
"none" (every other item: invoices never reminded, credit notes, payments not matched yet) or
the id of a step of the company's ladder. An invoice's last step on a date is the step of its
latest reminder sent on or before that date, as the invoice's own "Last Reminder" is today, so
a report as of an earlier date shows the steps as they stood then; "any" and "none" split the
report in two whose totals add up to the unfiltered one.

The filter picks items, not customers: a customer line adds up its items at that step. The
receivable accounts' balance no longer ties to such a total, so the report's check compares it
with the same items' figure rebuilt from the journal items themselves: their balance less the
matchings (partials) dated on or before the as-of date, without the residuals Odoo keeps.
"""

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.atlas_invoicing.reports.ar_aging import AtlasReportArAging as CoreArAging


class AtlasReportArAging(models.AbstractModel):
    _inherit = "atlas.report.ar.aging"

    # The core report's options, and this one.
    _report_options = (*CoreArAging._report_options, "reminder_step")

    # -------------------------------------------------------------------------
    # Option
    # -------------------------------------------------------------------------

    def _normalize_options(self, options):
        result = super()._normalize_options(options)
        result["reminder_step"] = self._option_reminder_step((options or {}).get("reminder_step"), result)
        return result

    def _reminder_steps(self, options):
        return (
            self.env["atlas.reminder.step"]
            .sudo()
            .with_context(active_test=False)
            .search(
                # Branches move up their root company's ladder.
                [("company_id", "in", self._report_companies(options).root_id.ids)],
                order="company_id, days, id",
            )
        )

    def _option_reminder_step(self, value, options):
        if value is None or value is False or value in ("any", "none"):
            return value or False
        steps = self._reminder_steps(options)
        if isinstance(value, int) and not isinstance(value, bool) and value in steps.ids:
            return value
        raise UserError(
            self.env._(
                "reminder_step must be False (every item), “any”, “none” or the id of one of the company's "
                "reminder steps (%(steps)s), not %(value)r.",
                steps=", ".join(f"{step.name} #{step.id}" for step in steps) or self.env._("none set up"),
                value=value,
            )
        )

    def _reminder_step_label(self, options):
        value = options.get("reminder_step")
        if value == "any":
            return self.env._("Any reminder step")
        if value == "none":
            return self.env._("No reminder step")
        if value:
            return self.env["atlas.reminder.step"].sudo().browse(value).name
        return self.env._("All items")

    def _report_subtitle(self, options):
        subtitle = super()._report_subtitle(options)
        if not options.get("reminder_step"):
            return subtitle
        return self.env._(
            "%(subtitle)s · Last reminder: %(step)s", subtitle=subtitle, step=self._reminder_step_label(options)
        )

    def _report_select_filters(self, options):
        filters = super()._report_select_filters(options)
        steps = self._reminder_steps(options).filtered("active")
        choices = [
            {"value": False, "label": self.env._("All items")},
            {"value": "any", "label": self.env._("Any reminder step")},
            {"value": "none", "label": self.env._("No reminder step")},
        ] + [{"value": step.id, "label": step.name} for step in steps]
        return [*filters, {"key": "reminder_step", "label": self.env._("Last reminder"), "choices": choices}]

    # -------------------------------------------------------------------------
    # Figures
    # -------------------------------------------------------------------------

    def _reminder_condition(self, options, alias="aml"):
        """SQL condition on a journal item: its invoice's last reminder step on the as-of date
        is the option's (True without the option)."""
        value = options.get("reminder_step")
        if not value:
            return SQL("TRUE")
        move_id = SQL.identifier(alias, "move_id")
        reminded = SQL(
            """SELECT 1 FROM account_invoice_overdue_reminder r
                WHERE r.invoice_id = %(move_id)s AND r.atlas_step_id IS NOT NULL AND r.action_date <= %(as_of)s""",
            move_id=move_id,
            as_of=options["as_of_date"],
        )
        if value == "any":
            return SQL("EXISTS (%s)", reminded)
        if value == "none":
            return SQL("NOT EXISTS (%s)", reminded)
        # The latest reminder on the date, in the order of the invoice's own Last Reminder.
        return SQL(
            """(SELECT r.atlas_step_id FROM account_invoice_overdue_reminder r
                 WHERE r.invoice_id = %(move_id)s AND r.atlas_step_id IS NOT NULL AND r.action_date <= %(as_of)s
                 ORDER BY r.action_date DESC, r.id DESC LIMIT 1) = %(step)s""",
            move_id=move_id,
            as_of=options["as_of_date"],
            step=value,
        )

    def _scope(self, options, account_ids, partner_id=None):
        scope = super()._scope(options, account_ids, partner_id)
        if not options.get("reminder_step"):
            return scope
        return SQL("%s AND %s", scope, self._reminder_condition(options))

    def _drilldown_domain(self, options, *conditions):
        # The total's journal items: those of the invoices at the step today (a domain cannot
        # say "on the as-of date"; the customer lines open exactly their items).
        domain = super()._drilldown_domain(options, *conditions)
        value = options.get("reminder_step")
        if value == "any":
            domain.append(("move_id.atlas_reminder_step_id", "!=", False))
        elif value == "none":
            domain.append(("move_id.atlas_reminder_step_id", "=", False))
        elif value:
            domain.append(("move_id.atlas_reminder_step_id", "=", value))
        return domain

    def _compute_report(self, options):
        result = super()._compute_report(options)
        if not options.get("reminder_step"):
            return result
        account_ids = self._receivable_account_ids(options)
        expected = self._items_open_from_history(options, account_ids) if account_ids else 0.0
        label = self.env._(
            "Balance of these receivable items less their matchings dated on or before %s",
            self._format_date(options["as_of_date"]),
        )
        result["checks"] = [self._check(options, label, expected, result["totals"]["total"])]
        result["totals"]["receivable_balance"] = self._round(options, expected)
        return result

    def _items_open_from_history(self, options, account_ids):
        """What the filtered items were still owed on the as-of date, from their journal items:
        balance − partials dated by then (debit side) + partials dated by then (credit side)."""
        self.env.cr.execute(
            SQL(
                """
                WITH items AS MATERIALIZED (
                    SELECT aml.id, aml.balance FROM account_move_line aml WHERE %(scope)s
                )
                SELECT COALESCE((SELECT SUM(balance) FROM items), 0)
                     - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                   JOIN items ON items.id = p.debit_move_id WHERE p.max_date <= %(as_of)s), 0)
                     + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                   JOIN items ON items.id = p.credit_move_id WHERE p.max_date <= %(as_of)s), 0)
                """,
                scope=self._scope(options, account_ids),
                as_of=options["as_of_date"],
            )
        )
        return self.env.cr.fetchone()[0]
