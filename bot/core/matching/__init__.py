"""How a question is read and decided: tension, goal, the list, or nothing.

A classifier learned from the knowledge's examples reads n-grams, the knowledge's own
terms and (when the model is loaded) a multilingual sentence embedding; a calibrator learned
from out-of-fold predictions says how likely its answer is right. Nothing here knows
about Discord.
"""
