"""One instance's flood limit: a moving window per user, as limits counts one in Redis."""

from __future__ import annotations

from limits import RateLimitItemPerSecond

from bot.shared_state import MemoryFloodLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_user_gets_the_limit_per_window_and_each_hit_frees_its_place_when_it_ages() -> None:
    clock = Clock()
    limiter = MemoryFloodLimiter(clock)
    three = RateLimitItemPerSecond(3, 10)
    allowed = []
    for at in (0, 1, 2, 3, 9.9, 10.01, 10.5, 11.02, 11.5):
        clock.now = 1000 + at
        allowed.append(await limiter.hit(three, "updates", "42"))
    # 0, 1, 2 fill the window; 3 and 9.9 are refused and not counted; the hit of 0 ages out at
    # 10, that of 1 at 11
    assert allowed == [True, True, True, False, False, True, False, True, False]
    assert await limiter.hit(three, "updates", "43")  # another user has a window of their own
    assert await limiter.hit(RateLimitItemPerSecond(1, 10), "warned", "42")  # another limit too


async def test_windows_of_users_gone_quiet_are_dropped() -> None:
    clock = Clock()
    limiter = MemoryFloodLimiter(clock)
    item = RateLimitItemPerSecond(20, 10)
    for user in range(500):
        await limiter.hit(item, "updates", str(user))
    clock.now += 7200
    for _ in range(MemoryFloodLimiter.SWEEP_EVERY):
        await limiter.hit(item, "updates", "active")
        clock.now += 1
    assert len(limiter._hits) == 1
