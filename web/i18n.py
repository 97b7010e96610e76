"""UI strings of the pages in Chinese (default) and English, and the formats pages share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from notifications.labels import STATE_LABELS
from workflow import vocabulary
from workflow.calendar import SHANGHAI
from workflow.definition import Definition

# Every key must exist in both dictionaries (tests/web/test_pages.py checks it).
ZH: dict[str, str] = {}  # filled below, with EN; kept at the end of the module for readability
EN: dict[str, str] = {}

DEFAULT = "zh-CN"
LANGS = ("zh-CN", "en")
STRINGS: dict[str, dict[str, str]] = {"zh-CN": ZH, "en": EN}
VOCABULARIES = {
    "category": vocabulary.CATEGORIES,
    "employer_type": vocabulary.EMPLOYER_TYPES,
    "official_level": vocabulary.OFFICIAL_LEVELS,
    "ownership": vocabulary.OWNERSHIPS,
}


def t(key: str, lang: str = DEFAULT, **values: object) -> str:
    """The UI string for a key in a language, with {placeholders} filled in."""
    text = STRINGS.get(lang, ZH).get(key)
    if text is None:
        text = ZH.get(key, key)  # a missing translation shows the Chinese, never a crash
    return text.format(**values) if values else text


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)` bound to one language, for templates."""

    def translate(key: str, **values: object) -> str:
        return t(key, lang, **values)

    return translate


def state_labeller(lang: str) -> Callable[..., str]:
    """`state_label(state, definition=None)`: a stage's own title in Chinese, else the label."""

    def label(state: str, definition: Definition | None = None) -> str:
        if definition is not None and lang == DEFAULT:
            for stage in definition.stages:
                if state == stage.id:
                    return stage.title
                if state == f"{stage.id}_returned":
                    return f"{stage.title}（{ZH['returned']}）"
        known = STRINGS[lang].get(f"state_{state}") or STATE_LABELS.get(lang, {}).get(state)
        if known:
            return known
        if state.endswith("_returned"):
            return f"{label(state.removesuffix('_returned'), definition)} ({t('returned', lang)})"
        return state.replace("_", " ")

    return label


def vocab_labeller(lang: str) -> Callable[[str, str | None], str]:
    """`vocab(kind, code)`: the Chinese label of a code, or the code itself in English."""

    def label(kind: str, code: str | None) -> str:
        if code is None:
            return "-"
        if lang == DEFAULT:
            return VOCABULARIES.get(kind, {}).get(code, code)
        return code.replace("_", " ")

    return label


def local_time(moment: datetime | None) -> str:
    """An instant as people here read it: Asia/Shanghai, to the minute."""
    if moment is None:
        return "-"
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def local_date(moment: datetime | date | None) -> str:
    """A date, or an instant's Shanghai date."""
    if moment is None:
        return "-"
    if isinstance(moment, datetime):
        return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d")
    return moment.isoformat()


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage."""
    return "-" if value is None else f"{value * 100:.{digits}f}%"


# -- the strings -----------------------------------------------------------------------------

_ZH: dict[str, str] = {
    "app_name": "劳模评选工作平台",
    "nav_main": "主菜单",
    "nav_inbox": "待办",
    "nav_unit": "本单位",
    "nav_admin": "评选总览",
    "nav_definitions": "流程定义",
    "nav_quotas": "名额分配",
    "nav_users": "用户",
    "nav_notice": "公示",
    "login": "登录",
    "logout": "退出",
    "login_title": "登录评选工作平台",
    "username": "用户名",
    "password": "密码",
    "login_failed": "用户名或密码错误。",
    "login_too_many": "登录尝试过多，请几分钟后再试。",
    "go_home": "返回首页",
    "error_400": "请求有误",
    "error_403": "无权访问",
    "error_404": "未找到",
    "error_405": "不支持的操作",
    "error_409": "操作与当前状态冲突",
    "error_413": "文件过大",
    "error_422": "内容未通过校验",
    "error_429": "操作过于频繁",
    "error_500": "出现错误",
    "inbox_title": "审核待办",
    "times_in_shanghai": "时间均为北京时间。",
    "my_tasks": "我已认领的任务",
    "my_tasks_hint": "由您认领、等待您给出意见的任务",
    "department_queue": "本部门待审队列",
    "department_queue_hint": "本部门尚未完成的任务，按截止时间排序",
    "task": "任务",
    "nominee": "推荐人选",
    "stage": "环节",
    "department": "部门",
    "due": "截止",
    "status": "状态",
    "overdue": "已逾期",
    "recused": "回避",
    "claim": "认领",
    "open_task": "办理",
    "nothing_here": "暂无内容。",
    "task_open": "待认领",
    "task_claimed": "已认领",
    "flash_task_done": "任务 #{id} 已办结。",
    "task_done": "已完成",
    "task_cancelled": "已取消",
    "nominee_summary": "人选概况",
    "open_full_record": "查看完整档案",
    "rule_results": "资格条件核验",
    "your_opinion": "审核意见",
    "claim_hint": "认领后由您办理；也可直接给出意见。",
    "opinion": "意见",
    "outcome_clear": "同意（无异议）",
    "outcome_object": "不同意（否决）",
    "outcome_pass": "通过",
    "outcome_fail": "不通过",
    "outcome_return": "退回补充材料",
    "default_opinion_clear": "经核查，无不良记录，同意推荐。",
    "default_opinion_pass": "经审查，符合条件，同意通过。",
    "declare_conflict": "申报利益冲突",
    "conflict_reason": "回避原因",
    "declare_conflict_button": "申报回避",
    "rule": "规则",
    "result": "结果",
    "reason": "原因",
    "passed": "符合",
    "failed": "不符合",
    "no_rules": "本流程未配置资格条件。",
    "name": "姓名",
    "gender": "性别",
    "gender_M": "男",
    "gender_F": "女",
    "birth_date": "出生日期",
    "masked": "已脱敏",
    "ethnicity": "民族",
    "employer": "工作单位",
    "category": "人员类别",
    "recommending_unit": "推荐单位",
    "rank": "推荐类型",
    "rank_main": "正式人选",
    "rank_alternate": "后备人选{order}",
    "honour": "推荐荣誉",
    "record": "人选档案",
    "summary": "简要事迹",
    "deeds": "主要事迹",
    "democratic_recommendation": "民主推荐情况",
    "votes": "赞成票/总票数",
    "votes_of": "{votes_for} / {votes_total}",
    "approval": "赞成率",
    "unit_notice": "单位公示",
    "working_days": "{n}个工作日",
    "workflow": "评选流程",
    "review_tasks": "审核任务",
    "outcome": "结论",
    "objections": "异议",
    "source": "来源",
    "reporter": "反映人",
    "contact": "联系方式",
    "content": "内容",
    "finding": "核查结论",
    "source_phone": "电话",
    "source_letter": "信函",
    "source_web": "网上",
    "objection_open": "核查中",
    "objection_upheld": "属实",
    "objection_dismissed": "不属实",
    "timeline": "办理记录",
    "dashboard": "评选总览",
    "phase": "阶段",
    "definition": "流程定义",
    "phase_launch": "部署启动",
    "phase_recommendation": "推荐评审",
    "phase_inspection_notice": "考察公示",
    "phase_decided": "已审定",
    "phase_closed": "已结束",
    "funnel": "各环节人数",
    "state": "状态",
    "count": "人数",
    "overdue_by_department": "各部门逾期任务",
    "overdue_tasks": "逾期任务数",
    "no_overdue": "没有逾期任务。",
    "composition": "结构比例",
    "composition_chart": "结构比例与限额",
    "composition_scope_final": "按提交审定名单（{n}人）计算。",
    "composition_scope_submitted": "按已报送的正式人选（{n}人）计算。",
    "composition_legend": "绿色为符合，红色为不符合，虚线为上下限。",
    "bound": "限额",
    "detail": "说明",
    "failed_emails": "发送失败的邮件",
    "kind": "类型",
    "recipient": "收件人",
    "last_error": "错误",
    "retry": "重新发送",
    "no_failed_emails": "没有发送失败的邮件。",
    "campaign": "评选活动",
    "show": "查看",
    "quotas": "名额分配",
    "quota_totals": "共{total}个名额，已占用{used}个。",
    "unit_code": "单位代码",
    "reserved": "单列",
    "places": "名额",
    "places_used": "已占用",
    "over_quota": "超出名额",
    "yes": "是",
    "no": "否",
    "quota_cli_hint": "名额表通过命令 honorflow campaign quota 导入。",
    "users": "用户",
    "display_name": "姓名",
    "role": "角色",
    "active": "启用",
    "create_user": "新建用户",
    "email": "电子邮箱",
    "user_created": "已创建用户 {username}。",
    "role_admin": "管理员",
    "role_team_reviewer": "工作专班审核员",
    "role_department_reviewer": "联审部门审核员",
    "role_unit_clerk": "推荐单位经办人",
    "role_committee_secretary": "常委会秘书",
    "definitions": "流程定义",
    "upload_definition": "上传流程定义（YAML）",
    "yaml_file": "YAML 文件",
    "validate": "校验",
    "definition_errors_in": "{filename} 中的问题",
    "definition_invalid": "流程定义未通过校验：{n}处问题，已标注在对应行。",
    "definition_valid": "流程定义 {name} 校验通过，可以发布。",
    "definition_published": "已发布新版本 {key_name}。",
    "definition_unchanged": "内容与已有版本 {key_name} 相同，未新建版本。",
    "publish": "发布",
    "stored_versions": "已存版本",
    "version": "版本",
    "loaded_at": "载入时间",
    "checksum": "校验和",
    "stages": "环节",
    "duration": "时限",
    "file_too_large": "文件过大。",
    "file_not_utf8": "文件不是 UTF-8 编码的文本。",
    "unit_title": "推荐单位工作台",
    "import_errors": "导入未成功：请修改以下各行后重新导入",
    "row": "行",
    "field": "字段",
    "objections_to_answer": "待答复的异议",
    "answer_due": "答复期限",
    "verdict_dismissed": "经核查不属实",
    "verdict_upheld": "经核查属实",
    "returned_for_material": "退回补充材料",
    "material_note": "补充材料说明",
    "resubmit": "重新报送",
    "import_form": "导入推荐表",
    "import_hint": "CSV 或 XLSX；任一行有误则整份不导入，所有错误逐行列出。",
    "form_file": "推荐表文件",
    "import": "导入",
    "our_nominations": "本单位推荐人选",
    "submit": "报送",
    "import_csv_or_xlsx": "只接受 .csv 或 .xlsx 文件。",
    "import_refused": "导入被拒绝：共{n}处错误，未导入任何记录。",
    "import_done": "已导入{n}名人选（草稿）。",
    "unit_done_resubmit": "已重新报送。",
    "unit_done_submit": "已报送。",
    "unit_done_finding": "核查结论已记录。",
    "notice_title": "评选公示",
    "notice_intro": "以下{n}名同志为拟表彰人选，现予公示。",
    "how_to_object": "如何反映意见",
    "object_by_web": "网上：填写本页下方的异议表。",
    "object_by_letter": "信函：寄送评选工作办公室，以邮戳日期为准；单位来信须加盖公章。",
    "object_by_phone": "电话：向评选工作办公室反映，工作人员当场记录。",
    "object_deadline": "公示截止：{deadline}。",
    "object_rules": "个人反映须署真实姓名和联系方式；匿名且无具体线索的不予受理。",
    "birth_year": "出生年份",
    "notice_ends": "公示截止",
    "nobody_under_notice": "目前没有人选在公示期。",
    "object_form": "异议表",
    "objection_about": "反映对象",
    "real_name": "真实姓名",
    "contact_phone_or_address": "联系电话或地址",
    "objection_content": "反映的问题",
    "objection_privacy": "您的姓名和联系方式只用于核实，不会公开。",
    "send_objection": "提交异议",
    "objection_sent": "异议已收到，推荐单位将在规定期限内核查答复。",
    "too_many_objections": "提交过于频繁，请稍后再试。",
    "not_under_notice": "该人选不在公示期内。",
    "objection_fields": "请填写真实姓名、联系方式和反映的问题。",
    "returned": "退回",
    "state_draft": "草稿",
    "state_submitted": "已报送",
}

_EN: dict[str, str] = {
    "app_name": "Honour selection",
    "nav_main": "Main menu",
    "nav_inbox": "Inbox",
    "nav_unit": "My unit",
    "nav_admin": "Dashboard",
    "nav_definitions": "Definitions",
    "nav_quotas": "Quotas",
    "nav_users": "Users",
    "nav_notice": "Public notice",
    "login": "Log in",
    "logout": "Log out",
    "login_title": "Log in to honour selection",
    "username": "Username",
    "password": "Password",
    "login_failed": "Unknown user or wrong password.",
    "login_too_many": "Too many login attempts; wait a few minutes.",
    "go_home": "Home",
    "error_400": "Bad request",
    "error_403": "Not allowed",
    "error_404": "Not found",
    "error_405": "Not supported",
    "error_409": "Conflicts with the current state",
    "error_413": "File too large",
    "error_422": "Not valid",
    "error_429": "Too many requests",
    "error_500": "Something went wrong",
    "inbox_title": "Review inbox",
    "times_in_shanghai": "Times are Beijing time (Asia/Shanghai).",
    "my_tasks": "My claimed tasks",
    "my_tasks_hint": "Tasks you claimed, waiting for your opinion",
    "department_queue": "My department's queue",
    "department_queue_hint": "Open tasks of your department, soonest due first",
    "task": "Task",
    "nominee": "Nominee",
    "stage": "Stage",
    "department": "Department",
    "due": "Due",
    "status": "Status",
    "overdue": "overdue",
    "recused": "recused",
    "claim": "Claim",
    "open_task": "Open",
    "nothing_here": "Nothing here.",
    "task_open": "open",
    "task_claimed": "claimed",
    "flash_task_done": "Task #{id} completed.",
    "task_done": "done",
    "task_cancelled": "cancelled",
    "nominee_summary": "Nominee",
    "open_full_record": "Open the full record",
    "rule_results": "Eligibility rules",
    "your_opinion": "Your opinion",
    "claim_hint": "Claim it to make it yours, or answer straight away.",
    "opinion": "Opinion",
    "outcome_clear": "Clear",
    "outcome_object": "Object (veto)",
    "outcome_pass": "Pass",
    "outcome_fail": "Fail",
    "outcome_return": "Return for material",
    "default_opinion_clear": "Checked; no adverse record; agree.",
    "default_opinion_pass": "Checked; meets the conditions; pass.",
    "declare_conflict": "Declare a conflict of interest",
    "conflict_reason": "Reason",
    "declare_conflict_button": "Stand aside",
    "rule": "Rule",
    "result": "Result",
    "reason": "Reason",
    "passed": "passes",
    "failed": "fails",
    "no_rules": "This definition configures no eligibility rules.",
    "name": "Name",
    "gender": "Gender",
    "gender_M": "male",
    "gender_F": "female",
    "birth_date": "Date of birth",
    "masked": "masked",
    "ethnicity": "Ethnicity",
    "employer": "Employer",
    "category": "Category",
    "recommending_unit": "Recommending unit",
    "rank": "Rank",
    "rank_main": "main nominee",
    "rank_alternate": "alternate {order}",
    "honour": "Honour",
    "record": "Record",
    "summary": "Summary",
    "deeds": "Deeds",
    "democratic_recommendation": "Democratic recommendation",
    "votes": "Votes for / total",
    "votes_of": "{votes_for} of {votes_total}",
    "approval": "Approval",
    "unit_notice": "Unit-level notice",
    "working_days": "{n} working days",
    "workflow": "Workflow",
    "review_tasks": "Review tasks",
    "outcome": "Outcome",
    "objections": "Objections",
    "source": "Source",
    "reporter": "Reporter",
    "contact": "Contact",
    "content": "Content",
    "finding": "Finding",
    "source_phone": "phone",
    "source_letter": "letter",
    "source_web": "web",
    "objection_open": "under investigation",
    "objection_upheld": "upheld",
    "objection_dismissed": "dismissed",
    "timeline": "Timeline",
    "dashboard": "Campaign dashboard",
    "phase": "Phase",
    "definition": "Definition",
    "phase_launch": "launch",
    "phase_recommendation": "recommendation and review",
    "phase_inspection_notice": "inspection and notice",
    "phase_decided": "decided",
    "phase_closed": "closed",
    "funnel": "Nominations per stage",
    "state": "State",
    "count": "Count",
    "overdue_by_department": "Overdue tasks per department",
    "overdue_tasks": "Overdue tasks",
    "no_overdue": "No task is overdue.",
    "composition": "Composition",
    "composition_chart": "Composition against its bounds",
    "composition_scope_final": "Over the list before the committee ({n}).",
    "composition_scope_submitted": "Over the submitted main nominations ({n}).",
    "composition_legend": "Green: within bounds; red: outside; dashed lines: the bounds.",
    "bound": "Bound",
    "detail": "Detail",
    "failed_emails": "Failed emails",
    "kind": "Kind",
    "recipient": "Recipient",
    "last_error": "Error",
    "retry": "Retry",
    "no_failed_emails": "No email has failed.",
    "campaign": "Campaign",
    "show": "Show",
    "quotas": "Quota table",
    "quota_totals": "{total} places, {used} in use.",
    "unit_code": "Unit code",
    "reserved": "Reserved",
    "places": "Places",
    "places_used": "In use",
    "over_quota": "over quota",
    "yes": "yes",
    "no": "no",
    "quota_cli_hint": "Quota tables are loaded with honorflow campaign quota.",
    "users": "Users",
    "display_name": "Display name",
    "role": "Role",
    "active": "Active",
    "create_user": "Create user",
    "email": "Email",
    "user_created": "User {username} created.",
    "role_admin": "administrator",
    "role_team_reviewer": "working-team reviewer",
    "role_department_reviewer": "department reviewer",
    "role_unit_clerk": "unit clerk",
    "role_committee_secretary": "committee secretary",
    "definitions": "Workflow definitions",
    "upload_definition": "Upload a definition (YAML)",
    "yaml_file": "YAML file",
    "validate": "Validate",
    "definition_errors_in": "Problems in {filename}",
    "definition_invalid": "The definition is not valid: {n} problem(s), marked at their lines.",
    "definition_valid": "Definition {name} is valid and can be published.",
    "definition_published": "Published new version {key_name}.",
    "definition_unchanged": "Same content as the stored version {key_name}; no new version.",
    "publish": "Publish",
    "stored_versions": "Stored versions",
    "version": "Version",
    "loaded_at": "Loaded",
    "checksum": "Checksum",
    "stages": "Stages",
    "duration": "Duration",
    "file_too_large": "The file is too large.",
    "file_not_utf8": "The file is not UTF-8 text.",
    "unit_title": "Recommending unit",
    "import_errors": "Import refused: fix these rows and import again",
    "row": "Row",
    "field": "Field",
    "objections_to_answer": "Objections to answer",
    "answer_due": "answer due",
    "verdict_dismissed": "Not substantiated",
    "verdict_upheld": "Substantiated",
    "returned_for_material": "Returned for more material",
    "material_note": "Note on the material added",
    "resubmit": "Resubmit",
    "import_form": "Import the nomination form",
    "import_hint": "CSV or XLSX; one bad row refuses the whole file, and every error is listed.",
    "form_file": "Form file",
    "import": "Import",
    "our_nominations": "Our nominations",
    "submit": "Submit",
    "import_csv_or_xlsx": "Only .csv or .xlsx files are accepted.",
    "import_refused": "Import refused: {n} error(s); nothing was imported.",
    "import_done": "Imported {n} nomination(s) as drafts.",
    "unit_done_resubmit": "Resubmitted.",
    "unit_done_submit": "Submitted.",
    "unit_done_finding": "Finding recorded.",
    "notice_title": "Public notice",
    "notice_intro": (
        "The {n} people below are proposed for the honour and are hereby publicly announced."
    ),
    "how_to_object": "How to object",
    "object_by_web": "Online: fill in the objection form below.",
    "object_by_letter": (
        "By letter to the selection office; the postmark date counts; a unit's letter "
        "carries its stamp."
    ),
    "object_by_phone": "By phone to the selection office; the staff record it as you speak.",
    "object_deadline": "The notice ends {deadline}.",
    "object_rules": (
        "Individuals give their real name and contact; anonymous reports without concrete"
        " leads are not accepted."
    ),
    "birth_year": "Born",
    "notice_ends": "Notice ends",
    "nobody_under_notice": "Nobody is under public notice now.",
    "object_form": "Objection form",
    "objection_about": "About",
    "real_name": "Your real name",
    "contact_phone_or_address": "Phone or address",
    "objection_content": "What is the problem",
    "objection_privacy": (
        "Your name and contact are used only to verify the report and are never published."
    ),
    "send_objection": "Send objection",
    "objection_sent": (
        "Objection received; the recommending unit will investigate and answer within the deadline."
    ),
    "too_many_objections": "Too many submissions; try again later.",
    "not_under_notice": "That nominee is not under public notice.",
    "objection_fields": "Give your real name, a contact and the problem.",
    "returned": "returned",
    "state_draft": "draft",
    "state_submitted": "submitted",
}
ZH.update(_ZH)
EN.update(_EN)
