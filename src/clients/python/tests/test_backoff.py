from agentbus.backoff import CAP_S, FLOOR_S, delay


def test_delays_grow_with_full_jitter_between_a_floor_and_a_cap():
    assert delay(0, lambda: 0.0) == FLOOR_S
    assert delay(3, lambda: 1.0) == 4.0
    assert delay(40, lambda: 1.0) == CAP_S
    assert all(FLOOR_S <= delay(a) <= CAP_S for a in range(20))
