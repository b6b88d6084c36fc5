"""Names shown for work-order states, severities, repair results and history steps (one translation
context, "WorkOrders", shared by the tab, its dialogs and the pile view)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.domain.work_orders import RepairResult, WoState


def state_names() -> dict[WoState, str]:
    return {WoState.NEW: QCoreApplication.translate("WorkOrders", "new"),
            WoState.ASSIGNED: QCoreApplication.translate("WorkOrders", "assigned"),
            WoState.IN_PROGRESS: QCoreApplication.translate("WorkOrders", "in progress"),
            WoState.RESOLVED: QCoreApplication.translate("WorkOrders", "resolved"),
            WoState.VERIFIED: QCoreApplication.translate("WorkOrders", "verified"),
            WoState.CLOSED: QCoreApplication.translate("WorkOrders", "closed")}


def severity_names() -> dict[str, str]:
    return {"critical": QCoreApplication.translate("WorkOrders", "critical"),
            "major": QCoreApplication.translate("WorkOrders", "major"),
            "minor": QCoreApplication.translate("WorkOrders", "minor"),
            "warning": QCoreApplication.translate("WorkOrders", "warning"),
            "info": QCoreApplication.translate("WorkOrders", "info")}


def result_names() -> dict[str, str]:
    return {RepairResult.FIXED.value: QCoreApplication.translate("WorkOrders", "fixed"),
            RepairResult.WORKAROUND.value: QCoreApplication.translate("WorkOrders", "temporary fix"),
            RepairResult.NOT_FIXED.value: QCoreApplication.translate("WorkOrders", "not fixed"),
            RepairResult.NO_FAULT_FOUND.value: QCoreApplication.translate("WorkOrders", "no fault found")}


def step_names() -> dict[str, str]:
    return {"created": QCoreApplication.translate("WorkOrders", "raised"),
            "assign": QCoreApplication.translate("WorkOrders", "assigned"),
            "start": QCoreApplication.translate("WorkOrders", "started"),
            "resolve": QCoreApplication.translate("WorkOrders", "resolved"),
            "verify": QCoreApplication.translate("WorkOrders", "verified"),
            "close": QCoreApplication.translate("WorkOrders", "closed"),
            "reopen": QCoreApplication.translate("WorkOrders", "reopened"),
            "cancel": QCoreApplication.translate("WorkOrders", "cancelled"),
            "note": QCoreApplication.translate("WorkOrders", "note"),
            "repair": QCoreApplication.translate("WorkOrders", "repair logged"),
            "attachment": QCoreApplication.translate("WorkOrders", "photo attached"),
            "occurrence": QCoreApplication.translate("WorkOrders", "fault came back"),
            "escalated": QCoreApplication.translate("WorkOrders", "escalated"),
            "diagnosis": QCoreApplication.translate("WorkOrders", "remote diagnosis")}
