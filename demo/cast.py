"""Who acts in the demo: the office, the working team, the committee and the units' clerks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from demo.population import DemoUnit
from workflow.actors import Actor

ADMIN = Actor("省功勋办管理员", "admin", email="office@example.org")
TEAM = Actor("专班审核员", "team_reviewer", "working_team")
SECRETARY = Actor("常委会秘书", "committee_secretary", "committee_office")
VETO_REASONS = {
    "discipline": "近三年受过党纪处分",
    "police": "有违法犯罪记录",
    "tax": "近两年存在欠税",
    "market": "企业被列入经营异常名录",
    "labour": "存在拖欠工资问题",
    "safety": "发生较大生产安全事故",
    "environment": "发生严重环境污染事件",
    "audit": "审计发现重大问题",
    "organisation": "干部考核不合格",
}


@dataclass
class DemoLog:
    """What happened, counted as it happened (the database report completes it)."""

    refused_at_submission: Counter[str] = field(default_factory=Counter)
    failed_qualification: Counter[str] = field(default_factory=Counter)
    spoiled: Counter[str] = field(default_factory=Counter)
    decision: dict[str, object] = field(default_factory=dict)
    deadlines_fired: Counter[str] = field(default_factory=Counter)


def clerk(unit: DemoUnit) -> Actor:
    """The clerk who acts for a recommending unit."""
    return Actor(f"{unit.name}经办人", "unit_clerk", unit_code=unit.code, email=unit.email)
