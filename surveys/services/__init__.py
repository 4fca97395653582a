"""The survey engine's services: the only writers of surveys, invitations, responses and answers."""

from .responses import response_answers, response_check, response_save
from .surveys import survey_close, survey_create_from_definition, survey_publish

__all__ = ["response_answers", "response_check", "response_save", "survey_close", "survey_create_from_definition",
           "survey_publish"]
