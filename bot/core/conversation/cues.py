"""Whether a message reads as a follow-up, and what it asks of the last answer.

A follow-up is short and leans on what came before: it asks for a part of the answer
("numbers?", "who's working on this?", "source?", "why?"), puts another goal in
("what about calibration?", "and cost?"), or points back ("is anyone fixing that?").
The words are few and the same in every conversation, so they are listed here, in the
languages people in the community write; what a named goal *is* stays the matcher's job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from bot.core.knowledge.label import Section

# A follow-up is a line, not a paragraph: longer messages carry their own question.
MAX_FOLLOW_UP_WORDS: Final = 14

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_URL = re.compile(r"https?://\S+")
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def _phrases(text: str) -> tuple[tuple[str, ...], ...]:
    """Comma-separated phrases of words, longest first so "how much" beats "much"."""
    found = {tuple(p.split()) for p in text.split(",") if p.strip()}
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


# What each part of an answer is asked for with. Accents are stripped before comparing.
SECTION_PHRASES: Final = {
    Section.TRADEOFF: _phrases(
        """numbers, number, nums, figures, figure, stats, statistics, quantify, quantified,
        quantitatively, percent, percentage, percentages, magnitude, exactly, precisely,
        ballpark, estimate, estimates, measured, measurements, how much, how many, how big,
        how bad, how large, how severe, how slow, how expensive, how costly, how significant,
        how noticeable, how far, how strong, in numbers, the hit, the penalty, the tradeoff,
        the trade off, cuanto, cuanta, cuantos, exactamente, cifras, numeros, combien,
        exactement, chiffres, wie viel, wieviel, wie stark, wie gross, wie schlimm, genau,
        zahlen, quanto, quanta, exatamente"""
    ),
    Section.RESEARCH: _phrases(
        """research, researching, working on, work on, works on, fixing, fix, fixed, fixes,
        solve, solving, solved, solution, solutions, mitigate, mitigating, mitigation,
        mitigations, workaround, workarounds, progress, tackling, tackle, addressing,
        pushing on, efforts, anyone fixing, anyone working, whos working, who is working,
        whos pushing, who works, investigacion, investigando, trabajando, trabaja, quien,
        recherche, travaille, travaillent, forschung, arbeitet, arbeiten, wer, pesquisa,
        trabalhando, quem"""
    ),
    Section.READING: _phrases(
        """source, sources, citation, citations, cite, cited, paper, papers, reference,
        references, refs, ref, link, links, literature, reading, further reading, arxiv,
        study, studies, publication, publications, read more, evidence, proof, fuente,
        fuentes, articulo, articulos, quelle, quellen, fonte, fontes, artigo, artigos,
        article, articles"""
    ),
    Section.SUMMARY: _phrases(
        """why, whys, how come, how so, explain, elaborate, reason, reasons, eli5, tldr,
        tl dr, summary, summarize, summarise, gist, what do you mean, pourquoi, warum, wieso,
        weshalb, por que, porque, explica, explique, erklar, erklaren"""
    ),
}

# The same, for scripts written without spaces (matched as substrings).
SECTION_CJK: Final = {
    Section.TRADEOFF: ("多少", "数据", "数字", "具体"),
    Section.RESEARCH: ("谁在", "研究", "解决"),
    Section.READING: ("论文", "来源", "出处", "文献", "論文"),
    Section.SUMMARY: ("为什么", "为何", "なぜ", "怎么回事"),
}

# Leads that put another goal in: "what about X", "and X?".
SWITCH_LEADS: Final = _phrases(
    """and, what about, how about, what of, and what about, same for, same with,
    same question for, also, plus, now, et, et pour, et qu en est il de, y, y que hay de,
    y que tal, que tal, e, e quanto a, und, und was ist mit, was ist mit, wie ist es mit,
    wie steht es mit"""
)
SWITCH_TAILS: Final = _phrases("too, as well, also, instead, aussi, tambien, auch, tambem")
SWITCH_CJK: Final = ("还有", "那么", "呢")

# Words that point back at the last answer.
POINTERS: Final = frozenset(
    """it that this those these they them thats theyre eso esto ello ese esa ca cela ceci
    dazu das daran davon dafur isso disso isto nisso""".split()
)
POINTERS_CJK: Final = ("这", "那", "它")

# Words that change the subject on purpose: what follows stands on its own.
RESETS: Final = _phrases(
    """different question, new question, another question, other question, unrelated,
    separate question, change of topic, changing topic, switching gears, on another note,
    real question, autre question, otra pregunta, andere frage, outra pergunta"""
)

# Thanks and nods: "thanks for that", "got it", "cool, makes sense" point back but ask nothing.
ACKNOWLEDGEMENTS: Final = frozenset(
    """thanks thank thx ty tysm cheers cool nice great awesome perfect neat lol haha ok okay
    sense makes helps helpful useful interesting wow right true see gotcha love
    merci gracias danke obrigado obrigada genial super""".split()
)

# Words with no content of their own in a follow-up.
FILLERS: Final = frozenset(
    """a an the is are was were be do does did any anything some so ok okay then tho
    though pls plz please hmm hm um uh well but just really actually usually all there
    of on in for to about me you we us i got have has had can could would will should
    thanks thx is are la le les el los las der die den dem des un une una o os as de du
    del al en y et e und eso ist es hay gibt sont est""".split()
)


def normalise(text: str) -> str:
    """Plain case-folded words: no mentions, links, accents or apostrophes."""
    text = _MENTION.sub(" ", text[:1000])
    text = _URL.sub(" ", text)
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _APOSTROPHE.sub("", text)


@dataclass(frozen=True, slots=True)
class Cue:
    """How a message leans on the last answer."""

    section: Section | None  # the part of the last answer asked for, if any
    switch: bool  # "what about X", "and X?": another goal takes a side
    points_back: bool  # "that", "it", "those": only makes sense after an answer
    bare: bool  # nothing but the cue: "why?", "numbers pls", "source?"
    rest: str  # the words that are not cue words, where a named goal would be

    @property
    def leans_on_context(self) -> bool:
        """Whether the message means nothing on its own."""
        return self.switch or self.points_back or self.bare


def _find(words: list[str], phrase: tuple[str, ...]) -> int:
    """Where a phrase starts among the words, or -1."""
    n = len(phrase)
    for start in range(len(words) - n + 1):
        if tuple(words[start : start + n]) == phrase:
            return start
    return -1


def _section(words: list[str], text: str, used: set[int]) -> Section | None:
    found: list[tuple[int, Section]] = []
    for section, phrases in SECTION_PHRASES.items():
        for phrase in phrases:
            start = _find(words, phrase)
            if start >= 0:
                found.append((start, section))
                used.update(range(start, start + len(phrase)))
    for section, marks in SECTION_CJK.items():
        found.extend((text.find(m), section) for m in marks if m in text)
    return min(found)[1] if found else None


def read_cue(text: str) -> Cue | None:
    """The follow-up a message reads as, or None when it should stand on its own."""
    plain = normalise(text)
    words = _WORD.findall(plain)
    if not words or len(words) > MAX_FOLLOW_UP_WORDS:
        return None
    if any(_find(words, phrase) >= 0 for phrase in RESETS):
        return None
    used: set[int] = set()
    section = _section(words, plain, used)
    switch = False
    for lead in SWITCH_LEADS:
        if tuple(words[: len(lead)]) == lead:
            switch = True
            used.update(range(len(lead)))
            break
    for tail in SWITCH_TAILS:
        if tuple(words[-len(tail) :]) == tail:
            switch = True
            used.update(range(len(words) - len(tail), len(words)))
            break
    cjk = bool(_CJK.search(plain))
    if cjk and any(plain.rstrip(" ?？!！。").endswith(m) or m in plain for m in SWITCH_CJK):
        switch = True
    pointed = {p for p, w in enumerate(words) if w in POINTERS}
    points_back = bool(pointed) or (cjk and any(m in plain for m in POINTERS_CJK))
    used |= pointed
    rest = [w for p, w in enumerate(words) if p not in used and w not in FILLERS]
    asks_nothing = not points_back or all(w in ACKNOWLEDGEMENTS for w in rest)
    if section is None and not switch and asks_nothing:
        return None
    bare = section is not None and not rest and not cjk
    if cjk:  # no spaces to count words by: a short line of a few characters is bare
        bare = section is not None and len(plain.strip()) <= 8
    return Cue(section, switch, points_back, bare, " ".join(rest))
