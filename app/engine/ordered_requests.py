"""From the engine's live view to allocation requests, and from a stop decision to a queue entry.

A running port's request: its measured power (the last measured, or the port's rating, while the pile
still measures the load), the minutes its resident bought, the energy it has had — for a port the
controller started again, counted from the resident's original session. A queued port's request: what
the queue entry remembers. Priority: the station's high-priority payments (e.g. monthly cards) plus a
staff override's priority.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.domain.ordered_charging import ChargeRequest, Decision, Kind, Override
from app.engine.ordered_store import PortKey, Queued, StationConfig, request_key
from comm.pile.messages import PortLive, PortState

if TYPE_CHECKING:
    from app.engine.ordered import OrderedRuntime


def build_requests(rt: OrderedRuntime, cfg: StationConfig, now: float
                   ) -> tuple[list[ChargeRequest], dict[str, PortKey], int, bool]:
    """(requests, request key → port, measured power of the running ports it controls, any port measuring).

    Cars come from `rt.car_requests` (connected charge points with a transaction): their power counts as
    controlled, the rest of the car charging stays foreign load."""
    store = rt.engine.store
    reqs: list[ChargeRequest] = []
    keys: dict[str, PortKey] = {}
    controlled_w = 0
    measuring = False
    cars: dict[str, PortKey] = {}
    for key, info in sorted(cfg.ports.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        if info.kind is Kind.CAR:
            cars[request_key(key)] = key
            continue
        try:
            live = store.port_live(*key)
            online = store.is_online(key[0])
        except KeyError:  # a pile the engine does not poll
            continue
        ov = cfg.overrides.get(key)
        override = ov.action if ov is not None and ov.action is not None else Override.NONE
        bonus = ov.priority if ov is not None else 0
        default_w = info.max_power_w or rt.tuning.default_power_w[info.kind]
        q = rt.queue.get(key)
        if live is not None and live.state.active:
            controlled_w += live.power_w
            if not online:
                continue  # cannot be switched: its power counts as foreign load
            measuring |= live.state is PortState.STARTING
            reqs.append(_running(rt, cfg, key, info.kind, live, default_w, bonus, override, now))
        elif q is not None:
            reqs.append(ChargeRequest(
                key=request_key(key), kind=info.kind, power_w=q.power_w or default_w,
                arrived_s=int(q.arrived_at.timestamp()), running=False, priority=q.priority + bonus,
                delivered_wh=q.energy_wh, paid_min=q.paid_min or None, waited_s=int(now - q.queued_at.timestamp()),
                override=override))
        else:
            continue
        keys[request_key(key)] = key
    if rt.car_requests is not None:
        for r in rt.car_requests(cfg.station_id):
            key = cars.get(r.key)
            if key is None:
                continue
            reqs.append(r)
            keys[r.key] = key
            try:
                live = store.port_live(*key)
            except KeyError:
                continue
            controlled_w += live.power_w if live is not None and live.state.active else 0
    return reqs, keys, controlled_w, measuring


def _running(rt: OrderedRuntime, cfg: StationConfig, key: PortKey, kind: Kind, live: PortLive, default_w: int,
             bonus: int, override: Override, now: float) -> ChargeRequest:
    sess = rt.sessions.get(key)
    resumed = rt.resumed.get(key)
    if resumed is not None and resumed.pile_session_id != live.session_id:
        resumed = None
    if resumed is not None:
        arrived = resumed.arrived_at.timestamp()
        paid: int | None = resumed.paid_min
        delivered = resumed.energy_wh + live.energy_wh
        payment = resumed.payment
        power = live.power_w or resumed.power_w or default_w
        priority = resumed.priority
    else:
        arrived = sess.started_at.timestamp() if sess is not None else now - live.elapsed_min * 60
        paid = live.elapsed_min + live.remaining_min if live.remaining_min else (
            sess.minutes_bought if sess is not None else None)
        delivered = live.energy_wh
        payment = live.payment.value
        power = live.power_w or default_w
        priority = int(payment in cfg.high_payments)
    since = rt.running_since.setdefault(key, now)
    return ChargeRequest(key=request_key(key), kind=kind, power_w=power, arrived_s=int(arrived), running=True,
                         priority=priority + bonus, delivered_wh=delivered, paid_min=paid or None,
                         running_s=int(now - since), override=override)


def queued_entry(rt: OrderedRuntime, cfg: StationConfig, key: PortKey, r: ChargeRequest, d: Decision,
                 live: PortLive, now: float) -> Queued:
    """The queue entry of a running port about to be stopped: the pile's timer still owes `remaining_min`."""
    resumed = rt.resumed.get(key)
    sess = rt.sessions.get(key)
    arrived = datetime.fromtimestamp(r.arrived_s, UTC)
    paid = r.paid_min or live.elapsed_min + live.remaining_min
    session_id = resumed.pile_session_id if resumed is not None else (
        sess.pile_session_id if sess is not None else live.session_id)
    payment = resumed.payment if resumed is not None else live.payment.value
    base_priority = resumed.priority if resumed is not None else int(payment in cfg.high_payments)
    return Queued(key[0], key[1], cfg.station_id, session_id, payment, arrived, datetime.fromtimestamp(now, UTC),
                  paid, live.remaining_min, r.delivered_wh, live.power_w or r.power_w, base_priority, d.reason.value)
