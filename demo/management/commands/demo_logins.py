import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from demo.users import demo_login_rows


class Command(BaseCommand):
    help = ("Toont alle demo-accounts: rol, organisatie, e-mailadres, wachtwoord, TOTP-geheim en wat er nu te doen "
            "is; per rol eerst de accounts met iets te doen.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Als JSON-lijst in plaats van een tabel.")

    def handle(self, *args, **options):
        rows = demo_login_rows()
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(_("Geen demo-accounts gevonden. Maak ze aan met: manage.py seed_demo"))
            return
        columns = [
            ("role_label", _("Rol")),
            ("organisation", _("Organisatie")),
            ("email", _("E-mailadres")),
            ("password", _("Wachtwoord")),
            ("totp_secret", _("TOTP-geheim (base32)")),
            ("todo", _("Nu te doen")),
        ]
        table = [[title for _key, title in columns]]
        table += [[row[key] or "—" for key, _title in columns] for row in rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
        for n, line in enumerate(table):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
