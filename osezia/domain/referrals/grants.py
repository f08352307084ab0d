"""What referrals add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import PARTNERS, Grants

_WORK = frozenset({Command.SHARE_COMPANY, Command.REVOKE_REFERRAL})

GRANTS = Grants(
    kinds=("referral",),
    scopes=dict.fromkeys(sorted(_WORK), "write"),
    defaults=dict.fromkeys(PARTNERS, _WORK),
)
