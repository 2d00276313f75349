"""Names of the emotion cues that mean a conversation is escalating (the lexicon reports them).

Kept apart from the emotion model so the dialogue can read them without loading it.
"""

from __future__ import annotations

#: A threat: a bad review, a regulator (12315, 消协), a chargeback, a lawyer, closing the account.
THREATS = frozenset({"12315", "消协", "工商", "曝光", "律师", "起诉", "chargeback", "bad review", "1 star", "one star",
                     "1-star", "report you", "cancel my account", "lawyer", "sue you", "差评", "投诉"})
#: Having to ask again.
REPEATS = frozenset({"third time", "3rd time", "again and again", "how many times", "第三次", "三遍", "多少遍",
                     "说了多少次"})
#: A long wait mentioned.
WAITING = frozenset({"long wait"})
