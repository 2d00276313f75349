"""Each reply in the language the customer just used; codes, SKUs and e-mails are not a language.

"PHN-QL-E3 有货吗" was answered in English because the SKU's letters outweighed three Han
characters; a bare order number or member code switched nothing and must keep switching nothing.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("session, text, expected", [
    ("en", "PHN-QL-E3 有货吗", "zh"),
    ("zh", "is PHN-QL-E3 in stock?", "en"),
    ("en", "发票发到 zhang.wei@example.com 可以吗", "zh"),
    ("zh", "can you send the invoice to 张伟 at wei@example.com", "en"),
    ("en", "2611", "en"),
    ("zh", "2611", "zh"),
])
def test_the_reply_follows_the_words_not_the_codes(app, session, text, expected):
    st = app.assistant.new_session(language=session)
    assert app.assistant.ask(st, text).reply.language == expected
