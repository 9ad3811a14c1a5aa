"""Pages never show a bidi override stored before the input refused it.

Escaping does nothing to U+202E: a name stored with it before issue 9 still reads reversed on every page that
shows it (Unicode TR #36 §2.1). The input refuses these characters now (enforcement/text/inputs.py); for what is
already stored, each HTML page has them replaced by U+FFFD (visible �) on its way out, like the exports and
PDFs do (characters.neutralise). One pass over the page's bytes, only where such a character occurs.
"""

import re

# The bidirectional formatting characters of characters._ALWAYS, as UTF-8 bytes: U+061C, U+200E–U+200F,
# U+202A–U+202E, U+2066–U+2069.
_BIDI_UTF8 = re.compile(rb"\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]")
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
