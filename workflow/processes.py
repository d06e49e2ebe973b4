"""The catalogue of processes yide runs: one module per area declares its machines."""

from __future__ import annotations

import importlib

from workflow.process import ProcessDefinition

PROCESS_MODULES = [
    "workflow.org.machine",
    "workflow.ethics.machine",
    "workflow.selection.machine",
]


def definitions() -> list[ProcessDefinition]:
    """Every declared process, found in the modules that declare them, by name."""
    found = {
        value.name: value
        for module in PROCESS_MODULES
        for value in vars(importlib.import_module(module)).values()
        if isinstance(value, ProcessDefinition)
    }
    return sorted(found.values(), key=lambda d: d.name)
