"""Provider payouts: how fast, and how right, the payouts of 300 online payments are matched.

Makes 300 online payments of the Demo provider (6 a day for 50 days, 20 to 500 each) and the
50 payouts a provider makes of them (each day's payments two days later, less 2.9 % + 0.30 a
payment), then matches the payout lines twice: in one statement, and one statement a day (a
match run each). Prints the time and how many lines were proposed their own day's payments,
none, "Several candidates", or other payments. Everything is rolled back: run it on any
database with atlas_invoicing_collect_bank installed, e.g.

    echo "exec(open('bench/bench_payouts.py').read()); main(env)" | \\
        .venv/bin/python /opt/odoo18/odoo-bin shell -c .local/dev.conf -d atlas_dev --log-level=warn
"""

import random
import time
from datetime import timedelta

from odoo import fields


def main(env, count=300, per_day=6):
    random.seed(7)
    today = fields.Date.today()
    company = env.company
    journal = env["account.journal"].search(
        [
            ("type", "=", "bank"),
            ("company_id", "=", company.id),
            ("currency_id", "in", [False, company.currency_id.id]),
        ],
        limit=1,
    )
    provider = env.ref("payment.payment_provider_demo").sudo()
    provider.write({"name": "Demo", "state": "test", "journal_id": journal.id, "company_id": company.id})
    method = env.ref("payment_demo.payment_method_demo")
    partner = env["res.partner"].create({"name": "Bench customer"})
    days = count // per_day
    started = time.time()
    payments = []
    for number in range(count):
        amount = round(random.uniform(20, 500), 2)
        tx = (
            env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "amount": amount,
                    "currency_id": company.currency_id.id,
                    "partner_id": partner.id,
                    "reference": f"BENCH-PAYOUT-{number}",
                    "operation": "online_direct",
                    "state": "done",
                }
            )
        )
        payment = env["account.payment"].create(
            {
                "amount": amount,
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "journal_id": journal.id,
                "date": today - timedelta(days=days + 2 - number // per_day),
                "payment_transaction_id": tx.id,
                "currency_id": company.currency_id.id,
            }
        )
        payment.action_post()
        payments.append(payment)
    env.flush_all()
    # The planner's statistics of a real book, not of tables grown in one transaction.
    env.cr.execute("ANALYZE")
    print(f"{count} online payments made in {time.time() - started:.1f} s")
    runs = [payments[start : start + per_day] for start in range(0, count, per_day)]
    expected = {}

    def payout_lines():
        lines = env["account.bank.statement.line"]
        for number, run in enumerate(runs):
            total = sum(payment.amount for payment in run)
            fee = round(total * 0.029 + 0.30 * len(run), 2)
            lines |= env["account.bank.statement.line"].create(
                {
                    "journal_id": journal.id,
                    "date": run[0].date + timedelta(days=2),
                    "amount": round(total - fee, 2),
                    "payment_ref": f"DEMO PAYOUT PO-{number:04d}",
                }
            )
            expected[lines[-1:].id] = {payment.id for payment in run}
        env.flush_all()
        env.cr.execute("ANALYZE")
        return lines

    def report(name, lines, elapsed):
        right = sum(1 for line in lines if set(line.atlas_payout_payment_ids.ids) == expected[line.id])
        ambiguous = sum(1 for line in lines if line.atlas_match_kind == "ambiguous")
        none = sum(1 for line in lines if not line.atlas_match_kind)
        print(
            f"{name}: {len(lines)} payout lines in {elapsed:.2f} s ({elapsed / len(lines) * 1000:.1f} ms a line): "
            f"own day's payments {right}, several candidates {ambiguous}, none {none}, "
            f"other payments {len(lines) - right - ambiguous - none}"
        )

    env.cr.execute("SAVEPOINT bench_payouts")
    lines = payout_lines()
    started = time.time()
    lines._atlas_match_lines()
    env.flush_all()
    report("one statement", lines, time.time() - started)
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_payouts")
    env.invalidate_all()
    lines = payout_lines()
    started = time.time()
    for line in lines:
        line._atlas_match_lines()
    env.flush_all()
    report("one statement a day", lines, time.time() - started)
    env.cr.rollback()
