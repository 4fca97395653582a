"""The consultations app's per-object clocks (registered with the deadline engine in consultations/effects.py):
the insurer decides on a position by the day it sets; a knelpunt is reacted to within 2 weeks (GCP: "partijen
reageren binnen 2 weken op een ingebracht knelpunt")."""

POSITION_DECISION_CLOCK = "consultations.position.decision"
KNELPUNT_REACTION_CLOCK = "consultations.knelpunt.reaction"
