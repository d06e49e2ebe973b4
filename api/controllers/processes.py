from __future__ import annotations

import msgspec
from litestar import Controller, get

from api.access import PUBLIC
from workflow.processes import definitions


class TransitionOut(msgspec.Struct):
    trigger: str
    source: list[str]
    dest: str
    conditions: list[str]
    high_impact: bool


class ProcessOut(msgspec.Struct):
    name: str
    title: str
    initial: str
    states: list[str]
    transitions: list[TransitionOut]


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


class ProcessController(Controller):
    path = "/api/processes"
    tags = ["processes"]

    @get("/", guards=[PUBLIC], operation_id="ListProcesses")
    async def list_processes(self) -> list[ProcessOut]:
        """Every workflow's states and transitions, from the same declaration the server runs."""
        return [
            ProcessOut(
                name=d.name,
                title=d.title,
                initial=str(d.initial),
                states=[str(s) for s in d.states],
                transitions=[
                    TransitionOut(
                        trigger=str(t["trigger"]),
                        source=_as_list(t["source"]),
                        dest=str(t["dest"]),
                        conditions=_as_list(t.get("conditions")),
                        high_impact=t["trigger"] in d.high_impact,
                    )
                    for t in d.transitions
                ],
            )
            for d in definitions()
        ]
