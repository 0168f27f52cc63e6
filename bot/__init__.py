"""tensionbot: answers questions about the known tradeoffs between AI-research goals.

The package is layered, each layer importing only those below it (tests/test_layers.py):
``bot.core`` (the knowledge, the matcher, conversations and rendering; no discord), then
``bot.storage`` (the database), ``bot.curation`` (the report, teaching, export) and
``bot.settings``, then the two adapters, ``bot.discord_app`` and ``bot.cli``, which
decide when to answer and how it looks, never what.
"""

import os

# The matcher multiplies small matrices, one message at a time, on the thread that also
# serves Discord: BLAS worker threads only contend with it (measured: encoding a message
# took 7 ms at p50 and 96 ms at p99 with two threads on a busy 2-core machine, 3.5 and
# 5.4 ms with one). Set before numpy is first imported; an operator's own setting wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.1.0"
