"""What companies add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import PARTNERS, Grants

_WORK = frozenset(
    {
        Command.REGISTER_COMPANY,
        Command.REASSESS_SIZE,
        Command.ADD_ESTABLISHMENT,
        Command.ADVANCE_ADOPTION,
        Command.RECORD_LEGAL_CATEGORY,
        Command.CORRECT_COMPANY_NAME,
    }
)

GRANTS = Grants(
    kinds=("company",),
    scopes=dict.fromkeys(sorted(_WORK), "write"),
    # Networks registered before the catégorie juridique was recorded, or a company's name
    # corrected (RGPD art. 16), hold each with registering.
    successors={
        Command.RECORD_LEGAL_CATEGORY: Command.REGISTER_COMPANY,
        Command.CORRECT_COMPANY_NAME: Command.REGISTER_COMPANY,
    },
    defaults=dict.fromkeys(PARTNERS, _WORK),
)
