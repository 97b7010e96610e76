"""The one access policy: who may see what, who must stand aside, what is masked, who may act.

Every read and write of the API, the pages and the CLI goes through it:

* `visibility` — what a person may see, as SQL clauses; anything else is NotFound (404);
* `recusal` — a reviewer of the nominee's own unit, or who declared a conflict, stands aside:
  Recused (403), each refused read audited once (`refuse_recused_read`);
* `reads` — the door of every read of one nomination or task (`readable_nomination`,
  `readable_task`): not visible is NotFound, audited once when the row exists;
* `masking` — identity numbers, phones, e-mail addresses, birth dates and objectors;
* `gates` — role gates (who may use the inbox, administration, a unit's pages);
* `triggers` — `authorise` (asked by every transition) and `permitted_triggers`.
"""

from __future__ import annotations

from workflow.access.gates import (
    REVIEWERS,
    has_role,
    may_list_queue,
    require_admin,
    require_reviewer,
    require_role,
    require_unit_clerk,
)
from workflow.access.masking import (
    mask_id_number,
    mask_phone,
    sees_personal_data,
    sees_reporter,
    shown_facts,
    shown_reporter,
)
from workflow.access.reads import readable_nomination, readable_task
from workflow.access.recusal import (
    check_recusal,
    declared_conflict_flag,
    declared_conflicts,
    is_recused,
    refuse_recused_read,
    stands_aside,
)
from workflow.access.triggers import authorise, permitted_triggers
from workflow.access.visibility import (
    MAX_ID,
    ensure_task_reviewer,
    ensure_visible,
    nomination_filter,
    not_recused_filter,
    task_filter,
    visible_nomination,
    visible_objection,
    visible_task,
)

__all__ = [
    "MAX_ID",
    "REVIEWERS",
    "authorise",
    "check_recusal",
    "declared_conflict_flag",
    "declared_conflicts",
    "ensure_task_reviewer",
    "ensure_visible",
    "has_role",
    "is_recused",
    "mask_id_number",
    "mask_phone",
    "may_list_queue",
    "nomination_filter",
    "not_recused_filter",
    "permitted_triggers",
    "readable_nomination",
    "readable_task",
    "refuse_recused_read",
    "require_admin",
    "require_reviewer",
    "require_role",
    "require_unit_clerk",
    "sees_personal_data",
    "sees_reporter",
    "shown_facts",
    "shown_reporter",
    "stands_aside",
    "task_filter",
    "visible_nomination",
    "visible_objection",
    "visible_task",
]
