from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from consultations.models import RegionalMeeting
from contracting.models import ContractYear, FollowRequest, NzaMaxTariff, Offer, Request, Signature, StandardContract
from demo.organisations import MAX_PRACTICES
from demo.seed import DEFAULT_PRACTICES, seed_demo
from insurers.models import Insurer, PolicyVersion
from providers.models import CareGroup, MarketShare, OverlegTeam, Practice, Region
from surveys.models import Invitation, Response, Survey


class Command(BaseCommand):
    help = "Vult de database met demogegevens (deterministisch; nogmaals uitvoeren voegt alleen ontbrekende toe)."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=DEFAULT_PRACTICES,
                            help=f"Aantal huisartsenpraktijken (standaard {DEFAULT_PRACTICES}).")

    def handle(self, *args, practices, **options):
        if not 0 <= practices <= MAX_PRACTICES:
            raise CommandError(_("--practices moet tussen 0 en %(max)d liggen.") % {"max": MAX_PRACTICES})
        result = seed_demo(practices=practices)
        created = result["created"]
        totals = [
            (_("zorgverzekeraars"), Insurer.objects.count(), created["insurers"]),
            (_("regio's"), Region.objects.count(), created["regions"]),
            (_("marktaandelen"), MarketShare.objects.count(), created["market_shares"]),
            (_("overlegteams (OTH)"), OverlegTeam.objects.count(), created["overleg_teams"]),
            (_("samenwerkingsverbanden"), CareGroup.objects.count(), created["care_groups"]),
            (_("lidmaatschappen samenwerkingsverband"), CareGroup.practices.through.objects.count(),
             created["care_group_members"]),
            (_("huisartsenpraktijken"), Practice.objects.count(), created["practices"]),
            (_("contractjaren"), ContractYear.objects.count(), created["contract_years"]),
            (_("gebruikers"), User.objects.count(), created["users"]),
            (_("rollen van gebruikers"), Membership.objects.count(), created["memberships"]),
            (_("authenticators (demo)"), None, created["totp_devices"]),
            (_("NZa-maximumtarieven"), NzaMaxTariff.objects.count(), created["nza_tariffs"]),
            (_("gepubliceerde versies inkoopbeleid"), PolicyVersion.objects.count(), created["policy_versions"]),
            (_("standaardcontracten"), StandardContract.objects.count(), created["standard_contracts"]),
            (_("aanbiedingen"), Offer.objects.count(), created["offers"]),
            (_("ondertekende contracten"), Signature.objects.count(), created["signatures"]),
            (_("volgverzoeken"), FollowRequest.objects.count(), created["follow_requests"]),
            (_("vragen en verzoeken"), Request.objects.count(),
             created["questions"] + created.get("requests", 0)),
            (_("regiobijeenkomsten"), RegionalMeeting.objects.count(), created.get("regional_meetings", 0)),
            (_("enquêtes"), Survey.objects.count(), created.get("surveys", 0)),
            (_("uitnodigingen voor enquêtes"), Invitation.objects.count(), created.get("survey_invitations", 0)),
            (_("ingediende antwoorden op enquêtes"), Response.objects.filter(status=Response.Status.SUBMITTED).count(),
             created.get("survey_responses", 0)),
        ]
        width = max(len(label) for label, _total, _new in totals)
        for label, total, new in totals:
            total_text = "" if total is None else _("%(total)d in totaal, ") % {"total": total}
            self.stdout.write(f"  {label:<{width}}  {total_text}{_('%(new)d nieuw') % {'new': new}}")
        running, contracting, ahead = result["years"]
        self.stdout.write(_("  Contractjaren: %(running)s loopt, %(contracting)s wordt gecontracteerd, %(ahead)s heeft "
                            "alleen zijn kalender.") % {"running": running, "contracting": contracting, "ahead": ahead})
        self.stdout.write(self.style.SUCCESS(
            _("Demogegevens klaar in %(seconds).1f s. Inloggegevens: manage.py demo_logins")
            % {"seconds": result["seconds"]}))
