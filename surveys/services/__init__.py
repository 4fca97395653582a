"""The survey engine's services: the only writers of surveys, invitations, responses and answers."""

from .surveys import survey_create_from_definition

__all__ = ["survey_create_from_definition"]
