"""The work-order state machine, who may move an order, and the SLA clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.permissions import Permission
from app.domain.work_orders import (
    IllegalTransition,
    NotAllowed,
    Who,
    WoAction,
    WoState,
    check_may,
    due_at,
    escalation_level,
    is_overdue,
    legal_actions,
    next_state,
)

N, A, P, R, V, C = (WoState.NEW, WoState.ASSIGNED, WoState.IN_PROGRESS, WoState.RESOLVED, WoState.VERIFIED,
                    WoState.CLOSED)
# Written out by hand from the diagram in the module docstring: (state, action) → state.
EXPECTED = {
    (N, WoAction.ASSIGN): A, (A, WoAction.ASSIGN): A, (P, WoAction.ASSIGN): A,
    (A, WoAction.START): P, (P, WoAction.RESOLVE): R, (R, WoAction.VERIFY): V, (V, WoAction.CLOSE): C,
    (R, WoAction.REOPEN): A, (V, WoAction.REOPEN): A, (C, WoAction.REOPEN): A,
    (N, WoAction.CANCEL): C, (A, WoAction.CANCEL): C,
}  # fmt: skip


@pytest.mark.parametrize("state", list(WoState))
@pytest.mark.parametrize("action", list(WoAction))
def test_every_pair_is_either_the_documented_step_or_refused(state: WoState, action: WoAction) -> None:
    if (state, action) in EXPECTED:
        assert next_state(state, action, has_assignee=True) is EXPECTED[(state, action)]
        assert action in legal_actions(state)
    else:
        with pytest.raises(IllegalTransition) as err:
            next_state(state, action, has_assignee=True)
        assert err.value.zh and err.value.en and action not in legal_actions(state)


def test_a_reopened_order_without_a_technician_is_new_again() -> None:
    assert next_state(C, WoAction.REOPEN, has_assignee=False) is N
    assert next_state(C, WoAction.REOPEN, has_assignee=True) is A


@given(st.lists(st.sampled_from(list(WoAction)), max_size=40))
def test_walks_only_ever_take_documented_steps(actions: list[WoAction]) -> None:
    """Any sequence of requests: a refused one leaves the state alone, an accepted one is in the table;
    a closed order only moves by reopening, and nothing reaches resolved without being in progress."""
    state, has_assignee, trail = N, False, [N]
    for action in actions:
        try:
            new = next_state(state, action, has_assignee=has_assignee)
        except IllegalTransition:
            continue
        assert (state, action) in EXPECTED
        if state is C:
            assert action is WoAction.REOPEN
        if new is R:
            assert state is P
        has_assignee = has_assignee or action is WoAction.ASSIGN
        state = new
        trail.append(state)
    assert all(b is not V or a is R for a, b in itertools.pairwise(trail))


DISPATCH = frozenset({Permission.ASSIGN_WORK_ORDERS, Permission.VIEW_WORK_ORDERS})
TECH = frozenset({Permission.HANDLE_WORK_ORDERS, Permission.VIEW_WORK_ORDERS})


@given(st.sampled_from(list(WoAction)), st.sampled_from(list(WoState)),
       st.sets(st.sampled_from([Permission.ASSIGN_WORK_ORDERS, Permission.HANDLE_WORK_ORDERS, Permission.MONITOR])),
       st.booleans(), st.booleans(), st.booleans())
def test_who_may_act(action: WoAction, state: WoState, perms: set[Permission], assignee: bool, self_: bool,
                     resolved: bool) -> None:
    who = Who(frozenset(perms), is_assignee=assignee, assigns_self=self_, resolved_it=resolved)
    dispatch, handle = Permission.ASSIGN_WORK_ORDERS in perms, Permission.HANDLE_WORK_ORDERS in perms
    if action is WoAction.ASSIGN:
        allowed = dispatch or (handle and self_ and state is N)
    elif action in (WoAction.START, WoAction.RESOLVE):
        allowed = handle and assignee
    else:
        allowed = dispatch and not (action is WoAction.VERIFY and resolved)
    if allowed:
        check_may(action, state, who)
    else:
        with pytest.raises(NotAllowed):
            check_may(action, state, who)
    check_may(action, state, Who(frozenset(), is_base=True))  # the base account may do anything


T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def test_sla_due_times_and_escalation_levels() -> None:
    assert due_at(T0, "critical") == T0 + timedelta(hours=4)
    assert due_at(T0, "major") == T0 + timedelta(hours=24)
    assert due_at(T0, "unknown") == T0 + timedelta(hours=24)
    due = due_at(T0, "critical")
    assert not is_overdue(A, due, due) and is_overdue(A, due, due + timedelta(seconds=1))
    assert not is_overdue(R, due, due + timedelta(days=9))  # resolved: the clock has stopped
    levels = [escalation_level(P, due, due + timedelta(hours=h), "critical") for h in (0, 0.5, 2.5, 4.5, 50)]
    assert levels == [0, 1, 2, 3, 3]
    assert escalation_level(C, due, due + timedelta(hours=50), "critical") == 0
