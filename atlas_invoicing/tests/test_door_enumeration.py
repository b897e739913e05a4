"""Every door of the books, read from the database at test time, run as each Atlas role.

The doors are what the web client offers: the ``type="object"`` and ``type="action"`` buttons
of every form, list and kanban view of the models (each view combined with the views that
inherit it, then stripped of what the role's groups hide, as ``get_view`` does for the web
client), the actions bound to the models (the list's Actions and the form's gear menu, the
Print menu) as ``get_bindings`` gives them to the role, the list's own Delete and Duplicate,
and the buttons of the wizards those doors open. A door missing from ``door_table.py`` fails
the test: a new Odoo or OCA release can't open one silently.

Each door then runs as each role on a record in each status, the way the web client calls it
(``call_button`` on the record with the button's context, a bound server action's ``run``,
a window action's wizard created then its buttons clicked), inside a savepoint rolled back
afterwards; the outcome is checked against the table. A door the table says is not offered
must be hidden by the views' ``invisible`` conditions on that record. A refusal must leave the
books as they were (every entry's status and amounts, every journal item's account, amount and
matching, every payment and bank line) when the error is raised, not only once the transaction
is rolled back; a door the Viewer may run must change nothing either.

The table covers the doors of the repository's addons together (atlas_invoicing_bank's bank
lines, statements and OCA's reconciliation among them), as the test command installs them:
the doors a user meets are those of every module installed.
"""

import hashlib
import logging
import re
from collections import Counter, defaultdict
from pathlib import Path

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .door_table import BUILTIN_DOORS, DOORS, ROLES, STATUSES, door_table_markdown
from .door_world import DoorWorld

_logger = logging.getLogger(__name__)

# What each model's doors were checked on, per role: filled by the test, printed by the
# repository's conftest.py at the end of the pytest run (pytest_terminal_summary).
DOORS_CHECKED = {}

VIEW_TYPES = ("form", "list", "kanban")
SUBVIEW_TAGS = {"form", "list", "kanban"}


def doors_checked_lines():
    """One line per model: the doors checked for each role, and the runs (doors times statuses)."""
    lines = []
    for model, by_role in DOORS_CHECKED.items():
        counts = ", ".join(f"{role} {doors}" for role, (doors, _runs) in by_role.items())
        runs = sum(runs for _doors, runs in by_role.values())
        lines.append(f"{model}: {counts} doors ({runs} runs)")
    return lines


class _RecordValues(dict):
    """A record's values as the web client evaluates a view's conditions on them: a many2one
    by its id, an x2many by its ids."""

    def __init__(self, record):
        super().__init__()
        self.record = record

    def __missing__(self, name):
        field = self.record._fields.get(name)
        if field is None:
            raise KeyError(name)
        value = self.record[name]
        if field.type == "many2one":
            return value.id
        if field.type in ("one2many", "many2many"):
            return value.ids
        return value


@tagged("post_install", "-at_install")
class TestDoorEnumeration(DoorWorld):
    """Odoo's, OCA's and Atlas's doors to the books, each run as each role in each status."""

    # -------------------------------------------------------------------------
    # What the web client offers each role
    # -------------------------------------------------------------------------

    def _view_doors(self, user, shown=None):
        """{model: {door: {where}}} from every primary form, list and kanban view of the
        models, as the role gets it; ``shown`` collects each object button's ``invisible``
        conditions (its own and its parents'), per (model, door), per view."""
        found = defaultdict(lambda: defaultdict(set))
        views = self.env["ir.ui.view"].search(
            [("model", "in", list(DOORS)), ("mode", "=", "primary"), ("type", "in", VIEW_TYPES)]
        )
        for view in views:
            try:
                arch = self.env[view.model].with_user(user).get_view(view.id, view.type)["arch"]
            except AccessError:  # a view of a model the role may not read offers no door
                continue
            where = view.xml_id or view.name
            self._arch_doors(etree.fromstring(arch), view.model, where, found, shown)
        return found

    def _arch_doors(self, node, model, where, found, shown=None, top=True):
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "field" and any(sub.tag in SUBVIEW_TAGS for sub in child):
                # An x2many's embedded list or form: its buttons are the comodel's.
                comodel = self.env[model]._fields[child.get("name")].comodel_name
                self._arch_doors(child, comodel, where, found, shown, top=False)
                continue
            if child.tag == "button" and child.get("type") == "object":
                found[model][child.get("name")].add(where)
                if shown is not None and top:
                    conditions = [node.get("invisible") for node in (child, *child.iterancestors())]
                    shown[(model, child.get("name"))].append((where, [c for c in conditions if c]))
            elif child.tag == "button" and child.get("type") == "action":
                found[model][self._action_xmlid(child.get("name"))].add(where)
            self._arch_doors(child, model, where, found, shown, top)

    def _action_xmlid(self, ref):
        action_id = int(ref) if str(ref).isdigit() else self.env.ref(ref).id
        action = self.env["ir.actions.actions"].browse(action_id)
        return self.env[action.type].browse(action_id).get_external_id()[action_id] or f"action #{action_id}"

    def _bound_doors(self, user):
        """{model: {door: {where}}}: the actions bound to the models (Actions, gear, Print)."""
        found = defaultdict(lambda: defaultdict(set))
        for model in DOORS:
            bindings = self.env["ir.actions.actions"].with_user(user).get_bindings(model)
            for kind, actions in bindings.items():
                for action in actions:
                    found[model][self._action_xmlid(action["id"])].add(f"bound ({kind})")
        return found

    def _offered(self):
        """{role: {model: {door: {where}}}}"""
        offered = {}
        self.shown = {}
        for role in ROLES:
            user = self.users[role]
            self.shown[role] = defaultdict(list)
            doors = self._view_doors(user, self.shown[role])
            for model, bound in self._bound_doors(user).items():
                for door, where in bound.items():
                    doors[model][door] |= where
            for model, builtins in BUILTIN_DOORS.items():
                for door in builtins:
                    doors[model][door].add("list (built in)")
            offered[role] = doors
        return offered

    # -------------------------------------------------------------------------
    # The books, before and after a door
    # -------------------------------------------------------------------------

    BOOKS_QUERIES = (
        """SELECT md5(string_agg(concat_ws(':', id, name, state, payment_state, atlas_status, is_move_sent,
                     atlas_exported_date, partner_id, journal_id, date, invoice_date, invoice_date_due,
                     amount_total, amount_residual, move_type), ',' ORDER BY id)) FROM account_move""",
        """SELECT md5(string_agg(concat_ws(':', id, move_id, account_id, partner_id, balance, amount_currency,
                     amount_residual, reconciled, matching_number, date_maturity), ',' ORDER BY id))
             FROM account_move_line""",
        """SELECT md5(string_agg(concat_ws(':', id, state, amount, partner_id, journal_id, is_reconciled,
                     is_matched, move_id), ',' ORDER BY id)) FROM account_payment""",
        """SELECT md5(string_agg(concat_ws(':', id, debit_move_id, credit_move_id, amount), ',' ORDER BY id))
             FROM account_partial_reconcile""",
        """SELECT md5(string_agg(concat_ws(':', id, is_reconciled, amount, partner_id), ',' ORDER BY id))
             FROM account_bank_statement_line""",
    )

    def _books(self):
        self.env.flush_all()
        digests = []
        for query in self.BOOKS_QUERIES:
            self.env.cr.execute(query)
            digests.append(self.env.cr.fetchone()[0] or "")
        return hashlib.md5("".join(digests).encode()).hexdigest()

    # -------------------------------------------------------------------------
    # Running a door as the web client does
    # -------------------------------------------------------------------------

    def _call(self, record, user, door_key):
        """Run one door as the web client does; returns what it returned (an action, True, a
        report's HTML), a wizard it opens as {"wizard": model, "context", "action"}."""
        context = {"active_model": record._name, "active_id": record.id, "active_ids": record.ids}
        if door_key == "unlink":
            return record.with_user(user).with_context(**context).unlink()
        if door_key == "copy":
            return record.with_user(user).with_context(**context).copy().ids
        if "." not in door_key:  # an object button: call_button on the record
            result = getattr(record.with_user(user).with_context(**context), door_key)()
            return self._open(record, user, result, context)
        action = self.env.ref(door_key)
        if action._name == "ir.actions.server":
            result = action.with_user(user).with_context(**context).run()
            return self._open(record, user, result, context)
        if action._name == "ir.actions.report":
            return self.env["ir.actions.report"].with_user(user)._render_qweb_html(door_key, record.ids)[0][:20]
        return self._open(record, user, action._get_action_dict(), context)

    def _open(self, record, user, action, context):
        """A window action on a wizard opens it as the web client does (default values read as
        the user, who must be allowed to create it); on other records it shows them."""
        if not isinstance(action, dict) or action.get("type") != "ir.actions.act_window":
            return action
        action_context = action.get("context") or {}
        if isinstance(action_context, str):
            action_context = safe_eval(
                action_context, {**context, "uid": user.id, "context": context, "allowed_company_ids": []}
            )
        context = {**context, **action_context}
        model = self.env(user=user, context=context)[action["res_model"]]
        if not model._transient:
            model.check_access("read")
            return {"shows": model._name}
        model.check_access("create")
        model.default_get(list(model._fields))
        return {"wizard": model._name, "context": context, "action": action}

    def _wizard_buttons(self, user, opened):
        """The object buttons of the form the wizard opens in, as the user gets it."""
        action = opened["action"]
        view_id = next((vid for vid, vtype in action.get("views") or () if vtype == "form"), False)
        view_id = view_id or action.get("view_id")
        if isinstance(view_id, list | tuple):
            view_id = view_id[0]
        arch = self.env[opened["wizard"]].with_user(user).get_view(view_id or None, "form")["arch"]
        found = defaultdict(lambda: defaultdict(set))
        self._arch_doors(etree.fromstring(arch), opened["wizard"], opened["wizard"], found)
        return sorted(name for name in found[opened["wizard"]] if name)

    def _shown_in(self, record, role, door_key):
        """The views that show this object button on this record: none of its ``invisible``
        conditions holds, evaluated on the record's values as the web client does."""
        values = _RecordValues(record)
        shown = []
        for where, conditions in self.shown[role].get((record._name, door_key), ()):
            try:
                hidden = any(safe_eval(condition, {"context": {}, "uid": 1}, values) for condition in conditions)
            except (KeyError, ValueError, NameError, TypeError):
                continue  # a condition on what only the screen knows (parent, a context key)
            if not hidden:
                shown.append(where)
        return shown

    def _check(self, what, expected, attempt, problems):
        outcome, message, _result, changed = attempt
        if expected.kind == "allowed":
            if outcome != "allowed":
                problems.append(f"{what}: expected {expected.kind}, got {message.splitlines()[0][:160]}")
            return
        if outcome != "refused":
            problems.append(f"{what}: expected {expected.kind}, but it ran: {message[:100]}")
        elif not re.search(expected.pattern, message):
            problems.append(
                f"{what}: expected {expected.kind} /{expected.pattern}/, got {message.splitlines()[0][:160]}"
            )
        elif changed and not expected.late:
            problems.append(f"{what}: refused ({message[:120]}) after changing the books")

    def _run_door(self, model, door_key, door, role, status, problems):
        record = self.records[model][status]
        user = self.users[role]
        expected = door.expected(role, status)
        what = f"{model} {door_key} as {role} on {status}"
        if expected.kind == "not offered":
            for where in self._shown_in(record, role, door_key):
                problems.append(f"{what}: not offered in the table, but {where} shows it")
        savepoint = self.env.cr.savepoint()
        try:
            before = self._books()
            try:
                result = self._call(record, user, door_key)
                self.env.flush_all()
            except Exception as error:  # noqa: BLE001 - the refusal is the outcome
                try:
                    changed = self._books() != before
                except Exception:  # noqa: BLE001 - what the door left can't even be saved
                    changed = True
                self._check(what, expected, ("refused", f"{type(error).__name__}: {error}", None, changed), problems)
                return
            # The Viewer changes nothing, whatever a door says it did.
            changed = role == "viewer" and self._books() != before
            self._check(what, expected, ("allowed", str(result)[:120], result, False), problems)
            if changed:
                problems.append(f"{what}: the Viewer changed the books")
            if isinstance(result, dict) and result.get("wizard"):
                self._follow(record, user, door, result, what, status in (door.follow or ()), problems)
        finally:
            savepoint.close(rollback=True)

    def _follow(self, record, user, door, opened, what, run, problems):
        """The buttons of the wizard the door opened must be in the table; where the table
        follows the door, each is clicked with the values the user types."""
        key = (record._name, opened["wizard"], user.login)
        if key not in self.wizard_buttons:
            self.wizard_buttons[key] = self._wizard_buttons(user, opened)
        for button in self.wizard_buttons[key]:
            if button not in door.wizard:
                problems.append(f"not in the table: {opened['wizard']} {button} (opened by {what.split(' as ')[0]})")
                continue
            sub = door.wizard[button]
            if sub is None or not run:
                continue
            self.counts[(record._name, user.login)].add(f"{opened['wizard']}.{button}")
            self.runs[(record._name, user.login)] += 1
            role = next(role for role, role_user in self.users.items() if role_user == user)
            status = next(status for status, rec in self.records[record._name].items() if rec == record)
            expected = sub.expected(role, status)
            savepoint = self.env.cr.savepoint()
            try:
                before = self._books()
                try:
                    wizard = (
                        self.env[opened["wizard"]]
                        .with_user(user)
                        .with_context(**opened["context"])
                        .create(door.values(record))
                    )
                    result = getattr(wizard, button)()
                    self.env.flush_all()
                except Exception as error:  # noqa: BLE001 - the refusal is the outcome
                    try:
                        changed = self._books() != before
                    except Exception:  # noqa: BLE001
                        changed = True
                    attempt = ("refused", f"{type(error).__name__}: {error}", None, changed)
                else:
                    attempt = ("allowed", str(result)[:120], result, False)
                self._check(f"{what} -> {opened['wizard']} {button}", expected, attempt, problems)
            finally:
                savepoint.close(rollback=True)

    # -------------------------------------------------------------------------
    # The test
    # -------------------------------------------------------------------------

    def test_every_door_follows_the_table(self):
        offered = self._offered()
        problems = []
        self.wizard_buttons = {}
        doors_by_model = defaultdict(set)
        for role, models in offered.items():
            for model, doors in models.items():
                for door_key, where in doors.items():
                    doors_by_model[model].add(door_key)
                    if door_key not in DOORS.get(model, {}):
                        problems.append(f"not in the table: {model} {door_key} ({role}; {', '.join(sorted(where))})")
        for model, doors in DOORS.items():
            for door_key in set(doors) - doors_by_model[model]:
                missing = (
                    not self.env.ref(door_key, raise_if_not_found=False)
                    if "." in door_key
                    else door_key not in BUILTIN_DOORS.get(model, ()) and not hasattr(self.env[model], door_key)
                )
                if missing:
                    continue  # the door of an addon this database doesn't have (Get Paid and its OCA modules)
                problems.append(f"in the table but offered nowhere: {model} {door_key}")
        self.counts = defaultdict(set)
        self.runs = Counter()
        for model, statuses in STATUSES.items():
            for door_key in sorted(doors_by_model[model] & set(DOORS.get(model, {}))):
                door = DOORS[model][door_key]
                for role in ROLES:
                    self.counts[(model, self.users[role].login)].add(door_key)
                    for status in statuses:
                        self.runs[(model, self.users[role].login)] += 1
                        self._run_door(model, door_key, door, role, status, problems)
        logins = {user.login: role for role, user in self.users.items()}
        for (model, login), doors in self.counts.items():
            DOORS_CHECKED.setdefault(model, {})[logins[login]] = (len(doors), self.runs[(model, login)])
        for line in doors_checked_lines():
            _logger.info("Doors checked: %s", line)
        problems = list(dict.fromkeys(problems))
        self.assertFalse(problems, "\n" + "\n".join(problems))


@tagged("post_install", "-at_install")
class TestDoorTableDocs(TransactionCase):
    def test_docs_show_the_door_table(self):
        doc = (Path(__file__).resolve().parents[2] / "docs" / "doors.md").read_text(encoding="utf-8")
        self.assertIn(
            door_table_markdown(),
            doc,
            "docs/doors.md doesn't show the door table: paste the output of "
            "python3 atlas_invoicing/tests/door_table.py between its door tables markers.",
        )
