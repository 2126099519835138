"""The workflow of a dossier: the one state machine (`machine`: which action may run from which
status, by whom), the actions themselves (`actions`: one ActionSpec each, with its inputs,
body, effects, paper and message), the rules on the inputs (`action_rules`), the process steps
an agency defines (`process`) and the legal clock (`deadlines`).

The state machine's names are named here, so `from dossiers import workflow` then
`workflow.available_actions(...)` reads as before; the other modules are imported by name
(`from dossiers.workflow import process`). This module imports only `machine`, `actions` and
`deadlines`, which need no model at import time: dossiers/models.py builds on them.
"""

from __future__ import annotations

# `actions` registers the built-in actions, before the model inherits their transitions.
from . import actions, deadlines, machine
from .machine import (
    ACTIONS,
    GUEST,
    WAITING,
    ActionInput,
    ActionSpec,
    DossierWorkflow,
    actions_for_roles,
    actor_roles,
    available_actions,
    fire,
    graph_dot,
    graph_lines,
    held_by_other_agency,
    is_legal_now,
    refusal_reason,
    register_action,
    roles_may_fire,
    unregister_action,
    user_is_reception,
    user_is_reception_anywhere,
)

__all__ = [
    "ACTIONS",
    "GUEST",
    "WAITING",
    "ActionInput",
    "ActionSpec",
    "DossierWorkflow",
    "actions",
    "actions_for_roles",
    "actor_roles",
    "available_actions",
    "deadlines",
    "fire",
    "graph_dot",
    "graph_lines",
    "held_by_other_agency",
    "is_legal_now",
    "machine",
    "refusal_reason",
    "register_action",
    "roles_may_fire",
    "unregister_action",
    "user_is_reception",
    "user_is_reception_anywhere",
]
