from .models.account_payment_method import ATLAS_PAYMENT_METHODS, atlas_method_code

PAYMENT_TYPES = {"in": "inbound", "out": "outbound"}


def _method_xmlids():
    """(xml id name, code, payment type) of each Atlas payment method in data/."""
    for method in ATLAS_PAYMENT_METHODS:
        for suffix, payment_type in PAYMENT_TYPES.items():
            yield f"payment_method_atlas_{method}_{suffix}", atlas_method_code(method), payment_type


def pre_init_hook(env):
    """On a reinstall, adopt the payment methods a previous uninstall kept (see below)."""
    for name, code, payment_type in _method_xmlids():
        method = env["account.payment.method"].search([("code", "=", code), ("payment_type", "=", payment_type)])
        if method and not env["ir.model.data"].search([("module", "=", "atlas_invoicing"), ("name", "=", name)]):
            env["ir.model.data"].create(
                {"module": "atlas_invoicing", "name": name, "model": "account.payment.method", "res_id": method.id}
            )


def post_init_hook(env):
    """The companies Atlas is installed for get their default sales tax on new invoice lines.

    Companies made later choose in Settings; it is not the field's default, since Odoo's own
    flows (and its tests, which make companies of their own) expect lines without a product to
    stay untaxed.
    """
    env["res.company"].search([]).atlas_sale_tax_on_lines = True


def uninstall_hook(env):
    """Keep the Atlas payment methods that recorded payments use.

    Payments are ledger history: after an uninstall they must still say they were paid by
    check or ACH. Methods no payment uses are removed with the module as usual; the used ones
    lose their XML id, so Odoo no longer tries (and fails) to delete them.
    """
    methods = env["account.payment.method"].search([("code", "=like", "atlas\\_%")])
    used = env["account.payment"].sudo().search([("payment_method_id", "in", methods.ids)]).payment_method_id
    env["ir.model.data"].search(
        [("module", "=", "atlas_invoicing"), ("model", "=", "account.payment.method"), ("res_id", "in", used.ids)]
    ).unlink()
    # The export logs go with the module (their table is dropped); so do their files, which
    # would otherwise stay in the filestore attached to nothing.
    env["ir.attachment"].sudo().search([("res_model", "=", "atlas.export.log")]).unlink()
