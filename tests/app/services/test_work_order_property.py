"""Property: through the real services and database, no illegal or unauthorised step is ever accepted,
and a refused step writes nothing (random actors asking for random steps on one order)."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from app.domain.errors import ChargeDeskError
from app.domain.permissions import Actor, Role
from app.domain.work_orders import RepairResult, WoAction, WoState
from app.services import accounts, wo_queries, work_orders
from app.services.work_orders import OrderDraft, RepairDraft
from db.models_maintenance import WorkOrder, WorkOrderStep
from tests.app.domain.test_work_orders import EXPECTED
from tests.app.services.conftest import PASSWORD, Desk
from tests.app.services.test_work_orders import make_site

WHO = ("duty", "tech", "tech2", "both", "base", "clerk")


def test_random_requests_never_break_the_rules(desk: Desk) -> None:
    site = make_site(desk)
    for login, roles in (("tech2", [Role.MAINTENANCE]), ("both", [Role.MONITORING_ADMIN, Role.MAINTENANCE])):
        accounts.create_account(desk.base, desk.db, login=login, display_name=login, password=PASSWORD, roles=roles)
    people: dict[str, Actor] = {
        "duty": desk.by_role[Role.MONITORING_ADMIN], "tech": desk.by_role[Role.MAINTENANCE],
        "tech2": accounts.login(desk.db, "tech2", PASSWORD), "both": accounts.login(desk.db, "both", PASSWORD),
        "base": desk.base, "clerk": desk.by_role[Role.CARD_ADMIN]}
    technicians = {people[k].account_id for k in ("tech", "tech2", "both")}

    class Orders(RuleBasedStateMachine):
        order_id: uuid.UUID

        @initialize()
        def new_order(self) -> None:
            o = work_orders.raise_order(people["duty"], desk.db, OrderDraft(pile_id=site.piles["S1-P01"]))
            self.order_id = o.order_id

        def row(self) -> tuple[str, int, uuid.UUID | None, str | None, int]:
            with desk.db() as s:
                o = s.get(WorkOrder, self.order_id)
                assert o is not None
                n = s.scalar(select(func.count()).select_from(WorkOrderStep).where(WorkOrderStep.order_id == o.id))
                return o.state, o.version, o.assignee_id, o.resolved_by, int(n or 0)

        @rule(who=st.sampled_from(WHO), action=st.sampled_from(list(WoAction)),
              to=st.sampled_from((*WHO, None)), note=st.sampled_from(("", "done")))
        def step(self, who: str, action: WoAction, to: str | None, note: str) -> None:
            actor = people[who]
            state, version, assignee, resolved_by, steps = self.row()
            target = people[to].account_id if to else None
            try:
                after = work_orders.transition(actor, desk.db, self.order_id, action, expected_version=version,
                                               assignee_id=target, note=note)
            except ChargeDeskError:
                assert self.row() == (state, version, assignee, resolved_by, steps)  # nothing written
                return
            old = WoState(state)
            # the oracle, written independently of the services
            assert (old, action) in EXPECTED
            roles = actor.roles
            dispatcher = actor.is_base or bool(roles & {Role.MONITORING_ADMIN, Role.FACILITY_ADMIN})
            tech = actor.is_base or Role.MAINTENANCE in roles
            if action is WoAction.ASSIGN:
                assert target in technicians or target == desk.base.account_id
                assert dispatcher or (tech and target == actor.account_id and old is WoState.NEW)
            elif action in (WoAction.START, WoAction.RESOLVE):
                assert tech and (assignee == actor.account_id or actor.is_base)
            else:
                assert dispatcher
            if action is WoAction.VERIFY:
                assert resolved_by != actor.login or actor.is_base
            if action in (WoAction.RESOLVE, WoAction.REOPEN, WoAction.CANCEL):
                assert note
            assert after.state is EXPECTED[(old, action)] or (action is WoAction.REOPEN and assignee is None)
            assert self.row()[4] == steps + 1

        @rule(who=st.sampled_from(WHO))
        def log_repair(self, who: str) -> None:
            try:
                work_orders.add_repair_log(people[who], desk.db, self.order_id,
                                           RepairDraft("cause", 5, RepairResult.FIXED))
            except ChargeDeskError:
                return
            state, _v, assignee, _r, _n = self.row()
            assert state == WoState.IN_PROGRESS.value
            assert assignee == people[who].account_id or people[who].is_base

        @invariant()
        def log_matches_state(self) -> None:
            detail: Any = wo_queries.get_order(desk.base, desk.db, self.order_id)
            moves = [x for x in detail.steps if x.to_state is not None]
            assert moves[-1].to_state == detail.order.state.value

    run_state_machine_as_test(Orders, settings=settings(
        max_examples=25, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
