"""The "After the event" page's forms (apart from forms.py, which the authoring pages own)."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf

from cpweek.forms import BaseForm

_LINK = {"inputmode": "url", "spellcheck": "false", "autocomplete": "off", "maxlength": 2000}


class FollowUpForm(BaseForm):
    """Lengths and links are checked by the service (`follow_up.save_follow_up`), so the page
    and any other caller get the same messages."""

    recording_url = StringField(
        "Link to the recording (optional)",
        description="Where the video or audio is, starting with https://, for example on "
        "YouTube or Vimeo.",
        render_kw=_LINK,
    )
    captions_by_host = BooleanField("The video host shows captions for this recording")
    transcript = TextAreaField(
        "Transcript (optional)",
        description="Type or paste what was said. Leave it empty if there is no transcript yet.",
        render_kw={"rows": 12},
    )
    slides_url = StringField(
        "Link to the slides (optional)",
        description="Starting with https://.",
        render_kw=_LINK,
    )
    you_said_we_did = TextAreaField(
        "\u201cYou said, we did\u201d (optional)",
        description="What people told us at the event and what we have done or will do about "
        "it. You can use Markdown: a line starting with - makes a list.",
        render_kw={"rows": 8},
    )


class PublishFollowUpForm(BaseForm):
    """A button: publish the event's recording or its slides."""

    publish = HiddenField(validators=[AnyOf(["recording", "slides"])])
