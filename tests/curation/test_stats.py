"""The moderators' report from a real question log, on both engines; grouping the gaps."""

from __future__ import annotations

import time

import pytest

from bot.curation.stats import build_report, group_similar
from bot.storage import DatabaseURL
from bot.storage.questionlog import QuestionLog
from tests.support.questionlog import entry


async def test_report_counts_windows_answers_and_helpful_ratio(store: DatabaseURL) -> None:
    qlog = await QuestionLog.open(store, retention_days=90)
    now = time.time()
    answered = [
        entry(
            qlog,
            f"is interpretability expensive {i}?",
            "tension",
            tension="interpretability-vs-efficiency",
        )
        for i in range(3)
    ]
    for item in answered:
        qlog.record(item)
    qlog.record(entry(qlog, "calibraton tradeof"))
    qlog.record(entry(qlog, "calibration tradeoff?"))
    qlog.record(entry(qlog, "older gap", ts=now - 20 * 86400))
    qlog.vote(answered[0].id, 1, helpful=True)
    qlog.vote(answered[1].id, 1, helpful=False)
    qlog.vote(answered[1].id, 2, helpful=True)
    await qlog.flush()
    assert qlog.database is not None
    report = await build_report(qlog.database, days=30, now=now + 1)
    await qlog.close()
    assert report.answered == {7: 3, 30: 3}
    assert report.unanswered == {7: 2, 30: 3}
    assert report.top_unanswered[0].count == 2
    assert report.per_answer == {"tension:interpretability-vs-efficiency": 3}
    assert report.helpful == {"tension:interpretability-vs-efficiency": (2, 3)}
    data = report.to_json()
    assert data["helpful"]["tension:interpretability-vs-efficiency"]["ratio"] == pytest.approx(
        0.667
    )


def test_near_duplicate_unanswered_questions_group_together() -> None:
    groups = group_similar(
        [
            "calibraton tradeof",
            "calibration tradeoff?",
            "Calibration tradeoff",
            "what about robustness?",
            "what about robustness",
            "pizza",
        ]
    )
    assert [g.count for g in groups] == [3, 2, 1]
    assert set(groups[0].variants) == {
        "calibraton tradeof",
        "calibration tradeoff?",
        "Calibration tradeoff",
    }
