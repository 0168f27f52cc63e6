"""tensionbot: answers questions about the known tradeoffs between AI-research goals.

The package is split so the knowledge, the matcher and the rendering (``bot.core``) can be
used and tested without Discord; ``bot.cli`` and ``bot.discord_app`` are thin adapters.
"""

import os

# The matcher multiplies small matrices, one message at a time, on the thread that also
# serves Discord: BLAS worker threads only contend with it (measured: encoding a message
# took 7 ms at p50 and 96 ms at p99 with two threads on a busy 2-core machine, 3.5 and
# 5.4 ms with one). Set before numpy is first imported; an operator's own setting wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.1.0"
