"""Pages never show a bidi override stored before the input refused it.

Escaping does nothing to U+202E: a name stored with it before issue 9 still reads reversed on every page that
shows it (Unicode TR #36 §2.1). The input refuses these characters now (enforcement/text/inputs.py); for what is
already stored, each HTML page has them replaced by U+FFFD (visible �) on its way out, like the exports and
PDFs do (characters.neutralise). One pass over the page's bytes, only where such a character occurs.
"""

import re

from enforcement.text.characters import bidi_characters

# The bidirectional formatting characters the input refuses (characters.BIDI_CLASS), as UTF-8 byte sequences.
_BIDI_UTF8 = re.compile(b"|".join(re.escape(char.encode()) for char in bidi_characters()))
_REPLACEMENT_UTF8 = "\ufffd".encode()


class NeutraliseBidiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
            and _BIDI_UTF8.search(response.content)
        ):
            response.content = _BIDI_UTF8.sub(_REPLACEMENT_UTF8, response.content)
        return response
