"""Cooldowns and repeat suppression, with a fake clock."""

from __future__ import annotations

from bot.core.throttle import RepeatGuard, UserCooldown


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cooldown_allows_rate_per_window_per_user() -> None:
    clock = Clock()
    cooldown = UserCooldown(rate=2, per=60, clock=clock)
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(1) == 60
    assert cooldown.retry_after(2) == 0  # another user
    clock.now += 30
    assert cooldown.retry_after(1) == 30
    clock.now += 30.5
    assert cooldown.retry_after(1) == 0


def test_cooldown_warns_once_per_window() -> None:
    clock = Clock()
    cooldown = UserCooldown(rate=1, per=10, clock=clock)
    assert cooldown.should_warn(7)
    assert not cooldown.should_warn(7)
    clock.now += 11
    assert cooldown.should_warn(7)


def test_repeat_guard_remembers_per_channel_and_forgets_after_the_window() -> None:
    clock = Clock()
    guard = RepeatGuard(window=60, clock=clock)
    guard.remember(1, "tension:x", "https://discord.com/channels/1/1/5")
    found = guard.earlier(1, "tension:x")
    assert found is not None
    assert found.link == "https://discord.com/channels/1/1/5"
    assert guard.earlier(2, "tension:x") is None
    assert guard.earlier(1, "tension:y") is None
    clock.now += 61
    assert guard.earlier(1, "tension:x") is None


def test_repeat_guard_off_when_window_is_zero() -> None:
    guard = RepeatGuard(window=0)
    guard.remember(1, "k", None)
    assert guard.earlier(1, "k") is None
