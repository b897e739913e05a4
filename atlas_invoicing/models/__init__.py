from . import (
    account_move,
    account_move_delivery,
    atlas_invoice_batch,
    ir_actions_report,
    res_company,
    res_config_settings,
    res_partner,
)
