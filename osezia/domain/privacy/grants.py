"""What a person's rights add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import SEEDED_NETWORKS, Grants

_RIGHTS = frozenset({Command.EXPORT_PERSON, Command.ERASE_PERSON})

GRANTS = Grants(
    # A person's rights (RGPD art. 15 and 17), exercised by the network that recorded them.
    scopes=dict.fromkeys(sorted(_RIGHTS), "admin"),
    # Every network is the controller of the people it records: each answers their rights.
    defaults=dict.fromkeys(SEEDED_NETWORKS, _RIGHTS),
)
