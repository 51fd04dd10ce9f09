"""The words of the demo's resources (`resources.py` loads them).

Facts come from shared DOMAIN.md (the weeks' themes, the 2022 report's outcome domains, the
Accelerating Reform Fund's figures, the Lincolnshire webinar's description). Everything else
(transcripts, the episodes, "you said, we did") is ILLUSTRATIVE and says so where a reader
meets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ILLUSTRATIVE_TRANSCRIPT = (
    "*An illustrative transcript written for the cpweek demo: not a record of what was said.*"
)


def transcript(title: str, said: str, *, episode: bool = False) -> str:
    """A short illustrative transcript (Markdown) of an event or podcast episode."""
    if episode:
        opening = f"Welcome to the Co-production Week podcast. Today: {title}."
        closing = "Thank you. The transcript and the links are on the episode's page."
    else:
        opening = f"Welcome, everyone, to “{title}”. Captions are on, and we will take a break."
        closing = "Thank you. Questions now, in the chat or out loud, whichever suits you."
    return (
        f"{ILLUSTRATIVE_TRANSCRIPT}\n\n**Host:** {opening}\n\n**Speaker:** {said}\n\n"
        f"**Host:** {closing}"
    )


@dataclass(frozen=True)
class Text:
    title: str = ""
    summary: str = ""
    plain_summary: str = ""
    said: str = ""
    pdf: tuple[str, ...] = ()


REPORT_2022 = Text(
    title="Developing our understanding of the difference co-production makes in social care",
    summary=(
        "SCIE's report on the difference co-production makes in social care, published in "
        "Co-production Week 2022, whose theme was the impact of co-production. Its authors, "
        "Sharon Stevens and Patrick Wood, presented it at the week's webinar. In this demo the "
        "file is a one-page placeholder and the publication date is the week's first day."
    ),
    plain_summary=(
        "Co-production means people who draw on care and support, carers and staff sharing "
        "power and making decisions together. This report asks what difference that makes.\n\n"
        "- **For people with lived experience:** more confidence and self-esteem, feeling "
        "more in control, better wellbeing, and more trust in and awareness of services.\n"
        "- **For staff:** more job satisfaction and motivation, changes to how they work, and "
        "more trust.\n"
        "- **For organisations:** more people using services, and changes to practice and to "
        "how services are designed. The evidence here is the weakest.\n\n"
        "The report recommends choosing how to measure outcomes together with people with "
        "lived experience, and looking at what changed, not only at how co-production was done."
    ),
    pdf=(
        "An illustrative one-page placeholder made for the cpweek demo: not the report. The "
        "report itself is published by SCIE.",
        "By Sharon Stevens and Patrick Wood. Co-production Week 2022: the impact of co-production.",
        "The report looks at outcomes of co-production for people with lived experience "
        "(confidence, self-esteem, empowerment, wellbeing, trust in and awareness of services), "
        "for staff (job satisfaction, motivation, practice, trust) and for organisations "
        "(uptake of services, changes in practice and service design, where the evidence is "
        "weakest).",
    ),
)

WEBINAR_2022 = Text(
    summary=(
        "An illustrative recording of the 2022 webinar on the impact of co-production, led by "
        'Sharon Stevens and Patrick Wood, the authors of the report "Developing our '
        'understanding of the difference co-production makes in social care". The video host '
        "captions it."
    ),
    said=(
        "The report asks what difference co-production makes. People with lived experience "
        "told us about confidence, wellbeing and trust; staff about job satisfaction and how "
        "they work; organisations about how services are designed, where the evidence is "
        "weakest. Choose how to measure it together, and look at outcomes, not only process."
    ),
)

IMPACT_RESOURCE = Text(
    title="Co-production impact resource",
    summary=(
        'The "Co-production impact resource" promised on the 2024 week\'s page, for one of the '
        "four things the week found missing: demonstrating the impact of co-production. In "
        "this demo its description and file are illustrative placeholders."
    ),
    plain_summary=(
        "This resource helps groups show what changed because people with lived experience "
        "were involved as equals.\n\n"
        "- Decide together what a good outcome looks like, before you start.\n"
        "- Ask about outcomes (what changed for people), not only about meetings held.\n"
        "- Use simple, accessible ways to collect views: Easy Read, phone or paper, someone "
        "else's help.\n"
        '- Tell people how their input was used ("you said, we did").\n\n'
        "*These points are an illustrative summary written for the demo.*"
    ),
    pdf=(
        "An illustrative one-page placeholder made for the cpweek demo: not the resource.",
        "Co-production Week 2024: Co-production: What's Missing? Demonstrating impact was one "
        "of the four missing areas, with equity and diversity, training and development, and "
        "clearer definitions.",
    ),
)

# 2025 events that have a recording and slides: slug -> (topics, what a speaker said).
AFTER_2025: dict[str, tuple[tuple[str, ...], str]] = {
    "innovation-conference-2025": (
        ("co-production", "unpaid-carers"),
        "This is the tenth Co-production Week. Its theme is innovation that comes from sharing "
        "power: the 122 Accelerating Reform Fund projects were all asked to co-produce, and "
        "most of them support unpaid carers.",
    ),
    "arf-unpaid-carers-2025": (
        ("unpaid-carers", "co-production"),
        "About 70% of the Accelerating Reform Fund projects support unpaid carers and 73 are "
        "wholly about them. In our project carers told us to start with breaks, not forms.",
    ),
    "commissioning-innovation-2025": (
        ("commissioning", "co-production"),
        "We wrote the service specification with people who draw on care, line by line. It "
        "took longer, and it changed what we bought.",
    ),
    "lived-experience-roles-2025": (
        ("workforce", "co-production"),
        "A lived-experience role lasts when it is paid properly, has a manager who understands "
        "it and has a real say in decisions, not only a seat at the table.",
    ),
    "edi-in-coproduction-2025": (
        ("co-production", "access-to-care"),
        "We stopped asking people to come to our meetings and went to theirs: community "
        "centres, places of worship, online in the evening, with interpreters booked ahead.",
    ),
    "impact-tools-local-authority-2025": (
        ("co-production",),
        "Our co-production group chose the measures: confidence, feeling listened to, and "
        "whether anything changed. We report them every quarter, in the same words.",
    ),
    "digital-innovation-2025": (
        ("digital", "co-production"),
        "Design technology with the people who will use it, and keep a way in for people who "
        "prefer not to go online: a phone number, a person, a paper form.",
    ),
    "lincolnshire-carers-webinar-2025": (
        ("unpaid-carers", "mental-health"),
        "Unpaid carers told us they felt alone, with nobody to talk to. We co-designed arts and "
        "nature sessions with them, with respite care so they could come, and a social impact "
        "evaluation of what the sessions change.",
    ),
}

YOU_SAID_WE_DID = {
    "innovation-conference-2025": (
        "*An illustrative example written for the demo.*\n\n"
        "**You said** the chat moved too fast to follow alongside the captions. **We did:** in "
        "2026 a facilitator in every room read the questions from the chat out loud.\n\n"
        "**You said** you wanted the slides before the day. **We did:** the slides of every "
        "workshop are below, and next year they go out a week before."
    ),
    "lincolnshire-carers-webinar-2025": (
        "*An illustrative example written for the demo.*\n\n"
        "**You said** you could not come without someone to look after the person you care "
        "for. **We did:** every session now comes with replacement care booked in advance.\n\n"
        "**You said** evenings are easier than mornings. **We did:** half of the autumn "
        "sessions are in the evening."
    ),
}


@dataclass(frozen=True)
class Episode:
    number: int
    slug: str
    title: str
    published_on: date
    summary: str
    transcript: str
    topics: tuple[str, ...]
    speaker_email: str  # a demo contributor, credited as their profile says
    evidence: tuple[str, ...] = ()


_EPISODE_NOTE = (
    "An illustrative episode made for the cpweek demo: the audio is two seconds of silence."
)

EPISODES = (
    Episode(
        1,
        "podcast-care-equity-what-it-means-to-us",
        "Co-production Week podcast, episode 1: what care equity means to us",
        date(2026, 7, 1),
        "A co-production partner talks about what care equity means to people who draw on "
        f"care and support. {_EPISODE_NOTE}",
        transcript(
            "what care equity means to us",
            "Equity is not everyone getting the same. It is nobody missing out on care because "
            "of where they live, the language they speak or the colour of their skin.",
            episode=True,
        ),
        ("co-production", "access-to-care"),
        "contributor@example.org",
    ),
    Episode(
        2,
        "podcast-unpaid-carers-and-the-evidence",
        "Co-production Week podcast, episode 2: unpaid carers and the evidence",
        date(2026, 7, 2),
        "A carer on the Care Equity Evidence Hub's panel reads two of its examples about breaks "
        f"for unpaid carers, and says what is still missing. {_EPISODE_NOTE}",
        transcript(
            "unpaid carers and the evidence",
            "Two of the hub's examples are about breaks: who gets them and how far people "
            "travel for them. What is missing is what carers themselves say would help.",
            episode=True,
        ),
        ("unpaid-carers", "co-production"),
        "coproducer@example.org",
        (
            "Illustrative example: unpaid carers from minoritised ethnic groups and access to "
            "breaks",
            "Illustrative example: rural carers and respite: distance and transport",
        ),
    ),
)
