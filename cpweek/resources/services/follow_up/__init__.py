"""After an event: what it left behind (a recording, slides, a transcript, "you said, we did"),
what its public page shows once it has ended, and telling the people who came that the
recording is ready, once.

The recording and the slides are resources (kinds RECORDING and SLIDES) linked to the event,
drafted here and published through the accessible-format rule like any other; the transcript
is the recording's own `transcript` text or a TRANSCRIPT format of it; the summary lives in
`EventFollowUp`. When a recording linked to an ended event is published
(`signals.resource_published`), `announce_recording` sets the event's `recording_url` (its
calendar entry gains "Watch again") and emails, once, everyone who held a place and agreed to
hear from the week. `EventFollowUp.recording_announced_at`, read and written under that row's
lock, is what makes it once.

One module per concept: `reading` (may it have one, what it has, who is told), `saving`
(the organisers' page, publishing), `announcing` (the receiver and the email), `links` (the
public pages' addresses), `event_page` (what an ended event's page shows). Callers import this
package; the modules import each other directly.
"""

from cpweek.resources.services.follow_up.announcing import announce_recording, recording_published
from cpweek.resources.services.follow_up.event_page import AfterEvent, OtherResource, after_event
from cpweek.resources.services.follow_up.links import PublicLinks, public_links
from cpweek.resources.services.follow_up.reading import (
    FollowUp,
    FollowUpRefused,
    follow_up_of,
    people_to_tell,
    refusal,
)
from cpweek.resources.services.follow_up.saving import (
    LINK_MAX,
    SUMMARY_MAX,
    TRANSCRIPT_MAX,
    FollowUpInput,
    check_link,
    publish,
    save_follow_up,
)

__all__ = [
    "LINK_MAX",
    "SUMMARY_MAX",
    "TRANSCRIPT_MAX",
    "AfterEvent",
    "FollowUp",
    "FollowUpInput",
    "FollowUpRefused",
    "OtherResource",
    "PublicLinks",
    "after_event",
    "announce_recording",
    "check_link",
    "follow_up_of",
    "people_to_tell",
    "public_links",
    "publish",
    "recording_published",
    "refusal",
    "save_follow_up",
]
