"""How a question is read and decided: tension, goal, the list, or nothing.

Lexical reading (names, acronyms, figures, typos) and the part learned from the
knowledge's example questions live side by side here; neither knows about Discord.
"""
