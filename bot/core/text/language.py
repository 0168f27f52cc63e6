"""The English the matcher needs to know besides the knowledge itself.

These lists describe how people *ask* (function words, words that signal a tradeoff or a
request for a list) and what marks a message as being about AI research at all. Words
about specific goals and tensions belong in the knowledge files, not here.
"""

from __future__ import annotations

from typing import Final

from bot.core.text.words import stem


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words.split())


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


_surface: set[str] = set()


def _vocabulary(words: str) -> frozenset[str]:
    """Stems for matching; the words as written are kept for typo correction."""
    _surface.update(words.split())
    return _stems(words)


# Function words and question scaffolding: they neither support nor undermine a match.
# Compared as written, not stemmed: "explain" is scaffolding, "explainability" is not.
STOPWORDS: Final = _words(
    """
    a an the of for to in on at by with from into onto about above below over under up down
    out off as than then so too very just really also only even still yet ever again more most
    less least much many some any all each every both either neither few lot lots bit
    and or but nor if because since while whereas though although unless whether
    i me my mine myself we us our ours you your yours he him his she her it its they them their
    this that these those there here what whats which who whom whose when where why how hows
    is are was were be been being am isnt arent wasnt werent
    do does did doing done dont doesnt didnt have has had having havent hasnt
    can could cant couldnt will would wont wouldnt shall should shouldnt may might must
    get gets got getting make makes made making go goes going went gone take takes took
    say says said tell explain describe show give know think mean means meant want need
    actually basically generally usually typically often always sometimes
    possible way ways thing things something anything stuff kind sort
    please pls plz thanks thank hey yo bot tensionbot guys folks someone anyone everyone
    like well ok okay yes yeah no not nope sure
    one two three first second new same other another such own
    per via vs versus between among against
    use used using try trying context sense regard regarding terms
    happen happens happened today now currently lately
    fundamentally inherently truly simply exactly kinda
    hi hello hiya im ive id youre reading read wondering wondered wonder towards toward
    enough level match deal thoughts thought opinion opinions good bad last part parts whole rest
    involving involve involves involved concerning around
    """
)

# Request verbs: scaffolding when they ask ("can you explain X"), meaning when they are
# the subject ("hardest to explain").
REQUEST_VERBS: Final = _words("explain describe")

# Words that relate two things: a question about the relation between goals.
RELATION_WORDS: Final = _vocabulary(
    """
    tradeoff tradeoffs tension tensions conflict conflicts conflicting clash clashes
    against versus vs oppose opposed opposite odds compete competing competition
    balance balancing compromise relationship relation related correlation compare
    comparison differ difference goal goals research pull pulls tug between
    better worse trade trades traded trading interact interacts interaction interplay
    relate relates
    """
)

# Words that ask about a consequence: what pursuing a goal costs or breaks.
IMPACT_WORDS: Final = _vocabulary(
    """
    hurt hurts harm harms damage damages cost costs penalty penalize price sacrifice
    downside downsides drawback drawbacks catch tax overhead hit side effect effects
    affect affects impact impacts influence worse lower reduce reduces
    reduced lose loses lost degrade degrades limit limits prevent
    slow slows slower break breaks broken risk risks risky problem problems issue issues
    messy worth expensive dumber intensive hungry heavy demanding costly
    hard harder hardest difficult difficulty tricky impossible struggle struggles
    """
)

TRADEOFF_WORDS: Final = RELATION_WORDS | IMPACT_WORDS

# Words that ask for the whole catalogue.
LIST_WORDS: Final = _vocabulary(
    """
    list all every overview summary summarize catalogue catalog index map
    exist exists known documented available cover covers topics topic
    everything enumerate show which options
    """
)
LIST_SUBJECTS: Final = _vocabulary(
    "tradeoff tradeoffs tension tensions conflict conflicts goal goals topics everything"
)

# Words that show a message is about AI/ML at all. They explain a question's words
# (so a question is not mistaken for chatter) but point to no particular answer.
_DOMAIN = """
    ai ml llm llms model models modelling neural network networks net nets transformer
    transformers gpt chatgpt claude gemini llama mistral bert agent agents chatbot chatbots
    assistant assistants training trained pretraining pretrained finetune
    finetuning fine tuning tuned weights parameters params dataset datasets data
    researchers paper papers lab labs anthropic openai deepmind google alignment safety
    eval evals evaluation evaluations benchmark benchmarks architecture architectures
    layer layers neuron neurons token tokens language reasoning rl reinforcement learning
    machine deep system systems algorithm algorithms method methods technique techniques
    ml compute gpu gpus inference feature features representation representations
    output outputs answer answers question questions response responses
    """
DOMAIN_WORDS: Final = _vocabulary(_DOMAIN)
# The same words as written, for telling whether a message is about research at all:
# "trains" shares a stem with "training" but is more often about railways.
DOMAIN_SURFACE: Final = _words(_DOMAIN)


# Every word above as written, so "tradeof" can be corrected to "tradeoff".
SURFACE_WORDS: Final = frozenset(_surface)
