"""The CLINC150 knowledge construction (benchmarks/clinc150.py) on a few intents: it loads
through the bot's loader, has the counts the construction promises, and answers."""

from __future__ import annotations

from benchmarks import clinc150
from bot.core.knowledge.label import Kind
from bot.core.matching.matcher import Matcher

INTENTS = 5


def test_fewshot_knowledge_for_five_intents_loads_and_answers() -> None:
    loaded = clinc150.build("fewshot", intents=INTENTS)
    knowledge, data = loaded.knowledge, loaded.training

    # Five intents use five pairs of goals 01..06; the other goals have no tension yet.
    assert {w.message for w in loaded.warnings} == {
        f"goal 'goal-{n:02d}' has no tension yet" for n in range(7, 19)
    }
    assert list(knowledge.goals) == [f"goal-{n:02d}" for n in range(1, 19)]
    assert len({g.colour for g in knowledge.goals.values()}) == 18
    assert all(not g.aliases and not g.examples for g in knowledge.goals.values())

    assert len(data.intents) == INTENTS
    assert sorted(knowledge.tensions) == sorted(clinc150.tension_id(i) for i in data.intents)
    assert len({frozenset(t.goals) for t in knowledge.tensions.values()}) == INTENTS
    for intent, texts in data.intents.items():
        tension = knowledge.tensions[clinc150.tension_id(intent)]
        assert tension.title == clinc150.title(intent)
        assert tension.keywords == ()
        assert len(tension.examples) == clinc150.FEWSHOT_PER_INTENT
        assert tension.examples == texts
    assert len(knowledge.not_answered) == 100  # all of oos_train, not 10 of them

    intent, texts = next(iter(data.intents.items()))
    answer = Matcher(knowledge).match(texts[0])
    assert answer.kind is Kind.TENSION
    assert answer.tension == clinc150.tension_id(intent)


def test_construction_names() -> None:
    assert clinc150.tension_id("change_user_name") == "change-user-name"
    assert clinc150.title("change_user_name") == "Change User Name"
    assert len(clinc150.goal_pairs()) == 153
