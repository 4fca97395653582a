"""Django's makemessages, also picking up the texts that are translated later rather than where they are
written: ``N_("...")`` (gettext_noop under its conventional name) and ``plural("...", "...", n)``, the counted
phrases of notices (accounts.notices)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_", "--keyword=plural:1,2"]
