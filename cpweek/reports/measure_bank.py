"""The bank of outcome measures, as data: the outcome domains of SCIE's 2022 report on the
difference co-production makes (for people with lived experience: confidence, self-esteem,
empowerment, wellbeing, trust in and awareness of services; for staff: job satisfaction,
motivation, practice, trust; for organisations: changes in practice and service design, uptake
of services). A measure proposed for an edition is copied into a row (`OutcomeMeasure`), so a
later change of the words here never changes what an edition asked.

Every scale has five options in words, from the least to the most; pages never show a number
or a colour alone."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankMeasure:
    key: str
    domain: str  # the outcome domain it measures, as the report names it
    audience: str  # an Audience value
    question: str
    easy_question: str
    options: tuple[str, str, str, str, str]


def change(words: str) -> tuple[str, str, str, str, str]:
    """A scale of change: 'Much less confident' ... 'No change' ... 'Much more confident'."""
    return (
        f"Much less {words}",
        f"A bit less {words}",
        "No change",
        f"A bit more {words}",
        f"Much more {words}",
    )


BETTER_OR_WORSE = ("Much worse", "A bit worse", "No change", "A bit better", "Much better")
HOW_MUCH = ("Not at all", "A little", "Some", "Quite a lot", "A great deal")

BANK: tuple[BankMeasure, ...] = (
    BankMeasure(
        "confidence",
        "Confidence",
        "lived_experience",
        "After this event, how confident do you feel to take part in co-production?",
        "Do you feel more sure you can take part now?",
        change("confident"),
    ),
    BankMeasure(
        "self_esteem",
        "Self-esteem",
        "lived_experience",
        "After this event, how do you feel about yourself and what you have to offer?",
        "How do you feel about yourself now?",
        BETTER_OR_WORSE,
    ),
    BankMeasure(
        "empowerment",
        "Empowerment",
        "lived_experience",
        "After this event, how able do you feel to change things in your care and support?",
        "Do you feel you can change things now?",
        change("able"),
    ),
    BankMeasure(
        "wellbeing",
        "Wellbeing",
        "lived_experience",
        "How has taking part in this event changed how you feel in yourself?",
        "How do you feel in yourself now?",
        BETTER_OR_WORSE,
    ),
    BankMeasure(
        "trust_in_services",
        "Trust in services",
        "lived_experience",
        "After this event, how much do you trust care and support services to listen to you?",
        "Do you trust services to listen to you?",
        change("trusting"),
    ),
    BankMeasure(
        "awareness_of_services",
        "Awareness of services",
        "lived_experience",
        "How much did this event tell you about the care and support you can get?",
        "Did you learn about help you can get?",
        HOW_MUCH,
    ),
    BankMeasure(
        "job_satisfaction",
        "Job satisfaction",
        "staff",
        "After this event, how do you feel about your work?",
        "How do you feel about your work now?",
        BETTER_OR_WORSE,
    ),
    BankMeasure(
        "motivation",
        "Motivation",
        "staff",
        "After this event, how motivated do you feel to work in co-production?",
        "Do you want to do more co-production now?",
        change("motivated"),
    ),
    BankMeasure(
        "practice",
        "Practice",
        "staff",
        "How much will this event change the way you work with people who draw on care?",
        "Will you work in a new way after this?",
        HOW_MUCH,
    ),
    BankMeasure(
        "staff_trust",
        "Trust",
        "staff",
        "After this event, how much do you trust people who draw on care to shape services "
        "with you?",
        "Do you trust people who use care to plan services with you?",
        change("trusting"),
    ),
    BankMeasure(
        "practice_and_design",
        "Changes in practice and service design",
        "organisation",
        "How much will your organisation change how it works or designs services after this event?",
        "Will your organisation change how it works?",
        HOW_MUCH,
    ),
    BankMeasure(
        "uptake_of_services",
        "Uptake of services",
        "organisation",
        "How much will this event help more people use your organisation's services?",
        "Will more people use your services after this?",
        HOW_MUCH,
    ),
)

BY_KEY = {measure.key: measure for measure in BANK}
