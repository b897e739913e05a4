"""The operations that own an invoice's truth, told apart from a bare write.

Odoo writes any stored field a client names in ``write``, computed ones included: a Bookkeeper
calling ``write({"atlas_status": "paid"})`` or ``write({"state": "draft"})`` over XML-RPC would
change an invoice's status with no money received and no journal entry reversed. Odoo's own
``state`` is guarded only by its buttons. The fields an invoice's status and ledger rest on
therefore change, for users with an Atlas role, only while one of the operations that own
them runs (post, reset to draft, cancel, reverse, send, export, pay): those operations mark
themselves with ``owning_operation()``, a context variable of the running request. Unlike a
key of the ORM's context, a client can't set it: it exists only in the server's own code.
"""

import contextvars
from contextlib import contextmanager

from odoo.exceptions import UserError

_OWNING_OPERATION = contextvars.ContextVar("atlas_owning_operation", default=False)


@contextmanager
def owning_operation():
    """Mark the code run inside as an operation that owns the invoice's guarded fields."""
    token = _OWNING_OPERATION.set(True)
    try:
        yield
    finally:
        _OWNING_OPERATION.reset(token)


def in_owning_operation():
    return _OWNING_OPERATION.get()


def has_atlas_role(env):
    """Whether Atlas's rules apply to this environment's user: a user with an Atlas role, not
    the superuser (sudo). Users without an Atlas role keep Odoo's own behaviour."""
    return not env.su and env.user.has_group("atlas_invoicing.group_atlas_viewer")


def written_directly(records, field_names, how):
    """The refusal of a bare write of guarded fields: which fields, of which records, and
    ``how`` they change instead (a translated sentence naming the actions to use)."""
    env = records.env
    labels = sorted(records._fields[name].get_description(env)["string"] for name in field_names)
    return UserError(
        env._(
            "%(fields)s of %(records)s can't be written directly: %(how)s",
            fields=", ".join(labels),
            records=", ".join(records.mapped(lambda record: record.display_name or str(record.id))),
            how=how,
        )
    )
