"""Overleg between the LHV overlegteams and their insurer (GCP: overleg, not negotiation)."""
