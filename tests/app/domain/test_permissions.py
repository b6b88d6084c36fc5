"""The permission matrix: its content pinned here, and docs/permissions.md kept in step with it."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from app.domain.errors import PermissionDenied
from app.domain.permissions import MATRIX, Actor, Permission, Role, allows, permissions_of, require

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"

# Written out by hand: a change to the matrix must change this table too (and the document).
EXPECTED: dict[Role, set[str]] = {
    Role.SYSTEM_ADMIN: {"manage_accounts", "manage_settings", "view_audit", "manage_notifications"},
    Role.FACILITY_ADMIN: {"view_users", "edit_users", "deactivate_users", "import_users", "manage_groups",
                          "manage_piles", "monitor", "view_work_orders", "raise_work_orders", "assign_work_orders",
                          "diagnose_piles", "upgrade_firmware"},
    Role.CARD_ADMIN: {"view_users", "edit_users", "view_wallets", "top_up", "refund", "charge", "transfer",
                      "manage_cards"},
    Role.MONITORING_ADMIN: {"view_users", "monitor", "control_ports", "view_work_orders", "raise_work_orders",
                            "assign_work_orders", "diagnose_piles"},
    Role.FINANCE_ADMIN: {"view_audit", "view_users", "view_wallets", "charge", "adjust", "transfer", "view_ledger",
                         "manage_tariffs", "view_reports"},
    Role.MAINTENANCE: {"monitor", "control_ports", "view_work_orders", "raise_work_orders", "handle_work_orders",
                       "diagnose_piles", "upgrade_firmware"},
}  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
def test_role_permissions(role: Role) -> None:
    assert {p.value for p in permissions_of(frozenset({role}))} == EXPECTED[role]


def test_roles_add_up_and_base_has_everything() -> None:
    both = permissions_of(frozenset({Role.CARD_ADMIN, Role.FINANCE_ADMIN}))
    assert {p.value for p in both} == EXPECTED[Role.CARD_ADMIN] | EXPECTED[Role.FINANCE_ADMIN]
    assert permissions_of(frozenset(), is_base=True) == frozenset(Permission)
    assert permissions_of(frozenset()) == frozenset()


def test_require() -> None:
    clerk = Actor(uuid.uuid4(), "desk1", frozenset({Role.CARD_ADMIN}))
    require(clerk, Permission.TOP_UP)
    with pytest.raises(PermissionDenied) as err:
        require(clerk, Permission.ADJUST)
    assert "desk1" in err.value.zh and "desk1" in err.value.en and err.value.permission == "adjust"
    assert allows(Actor(uuid.uuid4(), "boss", frozenset(), is_base=True), Permission.ADJUST)


def render_matrix() -> str:
    roles = list(Role)
    lines = ["| permission | " + " | ".join(r.value for r in roles) + " |",
             "|---|" + "---|" * len(roles)]  # fmt: skip
    for p in Permission:
        lines.append(f"| `{p.value}` | " + " | ".join("✓" if r in MATRIX[p] else "" for r in roles) + " |")
    return "\n".join(lines)


def test_document_shows_the_matrix() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render_matrix() in text, "docs/permissions.md is out of step with app/domain/permissions.py"
