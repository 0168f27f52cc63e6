"""Chat-style conversations: a follow-up is answered in the context of the last answer.

A message is first matched on its own; only when it is not a confident standalone question
and reads as a follow-up ("why?", "numbers?", "and calibration?") does the last answer
decide it. Contexts are kept in memory only, bounded in number and in time, and hold no
message text. Nothing here knows about Discord: the adapters choose the conversation keys.
"""
