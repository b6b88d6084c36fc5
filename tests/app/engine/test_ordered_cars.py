"""Car piles under ordered charging: a decision as a current limit, when a new limit is worth sending, what
staff see, and the phases a car charges on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.domain.ordered_charging import ChargeRequest, Decision, Estimate, Kind, Reason, Status
from app.engine.ocpp_mapping import Connector
from app.engine.ordered_cars import car_status, phases_of, plan_limit, target_a

EST = Estimate(10_000, 0, 3600, False)


def decision(power_w: int, current_da: int | None, status: Status = Status.CHARGING) -> Decision:
    return Decision("c", status, power_w, current_da, Reason.ADMITTED, EST)


def test_target_is_the_allocations_own_limit_or_a_pause() -> None:
    assert target_a(decision(4738, 206), 1, 32.0) == 20.6
    assert target_a(decision(0, 0, Status.QUEUED), 1, 32.0) == 0.0
    assert target_a(decision(7360, 320), 1, 16.0) == 16.0  # never above the charge point's maximum
    assert target_a(decision(11_000, None), 3, 32.0) == 15.9  # per phase, rounded down


def test_a_pause_a_resume_and_the_first_limit_are_always_sent() -> None:
    assert plan_limit(0.0, 20.0, 1, 10_000, 1.0).limit_a == 0.0
    assert plan_limit(6.0, 0.0, 1, 10_000, 1.0).limit_a == 6.0
    assert plan_limit(32.0, None, 1, 0, 1.0).limit_a == 32.0
    assert plan_limit(20.0, 20.0, 1, 0, 1.0).limit_a is None


def test_small_moves_are_not_sent_unless_a_cut_does_not_fit() -> None:
    assert plan_limit(20.5, 20.0, 1, 0, 1.0).limit_a is None  # a small rise: only capacity left unused
    assert plan_limit(21.0, 20.0, 1, 0, 1.0).limit_a == 21.0
    keep = plan_limit(19.5, 20.0, 1, 200, 1.0)  # 0.5 A × 230 V = 115 W: the unused spare carries it
    assert keep.limit_a is None and keep.kept_w == 115
    assert plan_limit(19.5, 20.0, 1, 100, 1.0).limit_a == 19.5  # it does not: the cut is sent
    assert plan_limit(19.5, 20.0, 3, 200, 1.0).limit_a == 19.5  # three phases: 345 W
    assert plan_limit(18.0, 20.0, 1, 10_000, 1.0).limit_a == 18.0  # a real cut always goes


@given(st.floats(0, 32).map(lambda x: round(x, 1)), st.floats(0, 32).map(lambda x: round(x, 1)),
       st.integers(1, 3), st.integers(0, 20_000))
def test_a_kept_limit_never_draws_more_than_the_spare_left(target: float, in_force: float, phases: int,
                                                           headroom: int) -> None:
    plan = plan_limit(target, in_force, phases, headroom, 1.0)
    if plan.limit_a is None and target < in_force:
        assert plan.kept_w <= headroom and (in_force - target) * 230 * phases <= plan.kept_w
    if plan.limit_a is not None:
        assert plan.limit_a == target and plan.kept_w == 0


def test_what_staff_see_for_a_car() -> None:
    r = ChargeRequest(key="c", kind=Kind.CAR, power_w=7360, arrived_s=0)
    assert car_status(decision(7360, 320), r) == "charging"
    assert car_status(decision(4738, 206), r) == "limited"
    assert car_status(decision(0, 0, Status.QUEUED), r) == "paused"
    assert car_status(decision(0, 0, Status.HELD), r) == "held"


def test_phases_from_power_current_and_voltage() -> None:
    one = Connector(1, power_w=7360, current_ca=3200, voltage_dv=2300)
    three = Connector(1, power_w=11_040, current_ca=1600, voltage_dv=2300)
    idle = Connector(1, power_w=0, current_ca=0, voltage_dv=2300)
    assert phases_of(one, 3) == 1 and phases_of(three, 1) == 3 and phases_of(idle, 3) == 3
