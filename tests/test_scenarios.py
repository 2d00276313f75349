"""The scenario suite (``tests/scenarios/*.yaml``): task success per capability, ≥ 90 % each.

Every conversation runs on its own copy of the seeded store; the failures of a capability below
the bar are listed in the assertion so a red run says which conversations and which turns.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.scenarios import Conversation, Suite, Verdict, load, success_table

TARGET = 90.0
CONVERSATIONS = load()
CAPABILITIES = sorted({c.capability for c in CONVERSATIONS})


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[Verdict]]]:
    suite = Suite(tmp_path_factory.mktemp("scenarios"))
    by_cap: dict[str, list[Verdict]] = {}
    for verdict in suite.run(CONVERSATIONS):
        by_cap.setdefault(verdict.conversation.capability, []).append(verdict)
    yield by_cap


def test_the_suite_is_large_and_bilingual() -> None:
    assert len(CONVERSATIONS) >= 150
    for cap in CAPABILITIES:
        langs = {c.language for c in CONVERSATIONS if c.capability == cap}
        assert langs == {"zh", "en"}, cap
    assert all(1 <= len(c.turns) <= 5 for c in CONVERSATIONS)


def _ids(convs: list[Conversation]) -> list[str]:
    return [c.id for c in convs]


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_capability_succeeds(capability: str, verdicts: dict[str, list[Verdict]]) -> None:
    results = verdicts[capability]
    (_, passed, total, rate), = [row for row in success_table(results) if row[0] == capability]
    failures = [f"{v.conversation.id}: {'; '.join(v.failures)}" for v in results if not v.passed]
    assert rate >= TARGET, f"{capability}: {passed}/{total} passed\n" + "\n".join(failures)
