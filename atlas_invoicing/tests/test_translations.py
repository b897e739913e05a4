"""Every message of the repository's addons can be extracted for translation: Odoo exports the
terms with Babel, which evaluates the arguments of each ``_()`` call and fails on the whole file
when one is not a plain string (an f-string, a call), leaving its messages untranslatable."""

from pathlib import Path

from babel.messages.extract import extract

from odoo.tests import BaseCase, tagged

REPOSITORY = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "_lt": None}


@tagged("post_install", "-at_install")
class TestTranslations(BaseCase):
    def test_every_message_is_extractable(self):
        addons = [path.parent for path in REPOSITORY.glob("*/__manifest__.py")]
        self.assertIn(REPOSITORY / "atlas_invoicing", addons)
        failures = []
        for addon in addons:
            for source in sorted(addon.rglob("*.py")):
                with source.open("rb") as file:
                    try:
                        list(extract("python", file, keywords=KEYWORDS))
                    except Exception as error:  # noqa: BLE001 - any error loses the file's messages
                        failures.append(f"{source.relative_to(REPOSITORY)}: {error!r}")
        self.assertEqual(failures, [])
