"""The use-case categories that tie a diagnostic's use cases to catalogue solutions.

A diagnostic's use case matches a solution when its code is one of the solution's categories,
so diagnostics that should find solutions use these codes. Each code has a French label for the
dashboards the plan's partners read.
"""

from __future__ import annotations

from enum import StrEnum


class UseCaseCategory(StrEnum):
    CUSTOMER_SERVICE = "CUSTOMER_SERVICE"
    DOCUMENT_PROCESSING = "DOCUMENT_PROCESSING"
    SALES_MARKETING = "SALES_MARKETING"
    FORECASTING = "FORECASTING"
    QUALITY_CONTROL = "QUALITY_CONTROL"
    PREDICTIVE_MAINTENANCE = "PREDICTIVE_MAINTENANCE"
    HR = "HR"
    FINANCE_ADMIN = "FINANCE_ADMIN"
    CYBERSECURITY = "CYBERSECURITY"
    CONTENT_GENERATION = "CONTENT_GENERATION"
    LOGISTICS = "LOGISTICS"

    @property
    def label_fr(self) -> str:
        return FRENCH_LABELS[self]


C = UseCaseCategory

FRENCH_LABELS: dict[UseCaseCategory, str] = {
    C.CUSTOMER_SERVICE: "Relation client",
    C.DOCUMENT_PROCESSING: "Traitement de documents",
    C.SALES_MARKETING: "Ventes et marketing",
    C.FORECASTING: "Prévision",
    C.QUALITY_CONTROL: "Contrôle qualité",
    C.PREDICTIVE_MAINTENANCE: "Maintenance prédictive",
    C.HR: "Ressources humaines",
    C.FINANCE_ADMIN: "Finance et administration",
    C.CYBERSECURITY: "Cybersécurité",
    C.CONTENT_GENERATION: "Génération de contenus",
    C.LOGISTICS: "Logistique",
}
