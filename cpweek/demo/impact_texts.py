"""The words of the demo's feedback (`impact.py`): what people wrote in the free-text boxes.

ILLUSTRATIVE: nobody wrote these. They are plain, kind, ordinary sentences of the sort an
event's feedback holds, so the results pages show realistic comments; none names a person.
"""

from __future__ import annotations

WHAT_WORKED: tuple[str, ...] = (
    "Hearing from people who draw on care, in their own words, at the start.",
    "The breakout rooms were small enough that everyone got a turn to speak.",
    "The captions were accurate and the slides were sent before the event.",
    "I liked that the chair kept to time and checked in with the chat.",
    "Real examples from councils that have changed how they commission.",
    "Plenty of breaks. I could keep up without getting tired.",
    "It felt like a conversation, not a lecture.",
    "The Easy Read pack helped me follow what was happening.",
    "Meeting carers from other areas and swapping ideas.",
    "Being paid for my time as a person with lived experience was respected and quick.",
    "The speakers were honest about what had not worked as well as what had.",
    "Clear joining instructions. The tech check beforehand helped a lot.",
    "I came away with three things to try with my team next week.",
    "The facilitator made it safe to disagree.",
    "Good mix of staff and people with lived experience in every group.",
    "Short talks, then time to talk about them.",
    "The recording and notes afterwards, so I can share them at work.",
    "Someone phoned me before the day to ask what I needed. That made a difference.",
)

COULD_BE_BETTER: tuple[str, ...] = (
    "A bit more time for questions at the end.",
    "Some slides had a lot of small text.",
    "The session ran over and I had to leave before the last part.",
    "It would help to have the questions in advance so I can think about them.",
    "More voices from people in rural areas, please.",
    "The sound dropped out a few times in the second half.",
    "Please send the Easy Read version earlier so I have time to read it with my supporter.",
    "I would like to hear what happens next with the ideas we gave.",
    "Fewer acronyms. Not everyone knows what they stand for.",
    "An evening session would suit carers who cannot get away in the day.",
    "The chat moved too fast to follow alongside the speakers.",
    "More about how to get started for small organisations.",
    "A longer break in the middle.",
    "More time in the small groups and less in the big room.",
)
