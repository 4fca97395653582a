"""The overlegteam's home page (/overleg/): for each team the user is a member of, counts for its insurer and
region (signing progress, requests and their overdue clocks by kind, regiobijeenkomsten), and the insurer's
published purchasing policy and standard contracts to read. Never a single practice's contract or request."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import care_group_ids_of, insurer_ids_of, practice_ids_of
from contracting.views.common import chosen_year

from ..access import overleg_teams_of
from ..selectors import overleg_team_figures


@login_required
def index(request):
    """The overlegteam's figures; for a purchaser or a practice's or care group's people, where their
    regiobijeenkomsten are. Anyone else: not found."""
    now = timezone.now()
    teams = overleg_teams_of(request.user)
    organiser = bool(insurer_ids_of(request.user))
    invited = bool(practice_ids_of(request.user) or care_group_ids_of(request.user))
    if not teams and not organiser and not invited:
        raise Http404(_("Deze pagina bestaat niet, of is niet voor u zichtbaar."))
    year, years = chosen_year(request, now)
    return render(request, "consultations/oth/index.html", {
        "year": year, "years": years,
        "panels": [overleg_team_figures(team, year=year, now=now) for team in teams],
        "organiser": organiser, "invited": invited,
    })
