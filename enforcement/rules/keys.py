"""The one list of legal parameters the product reads (``rule_value(RuleKey.X, on, organisation)``).

A new parameter is one line here plus its rows (a data migration or the admin). The key is not a database
``choices`` field on purpose: adding a key must not need a schema migration of this app.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKey(models.TextChoices):
    # Case-handling limits (行政处罚法 第60条; the sector rule's extensions, domain §3.2 / §11).
    DECISION_LIMIT_DAYS = "decision_limit_days", _("作出处罚决定期限（自立案起）")
    EXTENSION_HEAD_DAYS = "extension_head_days", _("经负责人批准延长后的期限（自立案起）")
    EXTENSION_SUPERIOR_DAYS = "extension_superior_days", _("经上一级部门批准延长后的期限（自立案起）")
    # Hearing (行政处罚法 第63条: 较大数额罚款; the amount is the sector rule's or the province's).
    HEARING_THRESHOLD_PERSON = "hearing_threshold_person", _("听证罚款数额标准（个人）")
    HEARING_THRESHOLD_UNIT = "hearing_threshold_unit", _("听证罚款数额标准（单位）")
    HEARING_REQUEST_WORKING_DAYS = "hearing_request_working_days", _("申请听证期限")
    HEARING_NOTICE_WORKING_DAYS = "hearing_notice_working_days", _("听证会通知提前期限")
    STATEMENT_WINDOW_WORKING_DAYS = "statement_window_working_days", _("陈述申辩期限")
    # Summary procedure (行政处罚法 第51条).
    SUMMARY_MAX_PERSON = "summary_max_person", _("简易程序罚款上限（个人）")
    SUMMARY_MAX_UNIT = "summary_max_unit", _("简易程序罚款上限（单位）")
    # Execution and delivery.
    PAYMENT_DAYS = "payment_days", _("缴纳罚款期限")
    SURCHARGE_RATE_PERCENT = "surcharge_rate_percent", _("加处罚款日比例")
    ABSENT_DELIVERY_WORKING_DAYS = "absent_delivery_working_days", _("当事人不在场时送达期限")
    PRESERVATION_DISPOSAL_WORKING_DAYS = "preservation_disposal_working_days", _("先行登记保存处理决定期限")
    # Which cases need 法制审核 and 集体讨论 (行政处罚法 第57、58条; provinces differ).
    REVIEW_REQUIRED_ALL_GENERAL = "review_required_all_general", _("一般程序案件均须法制审核（1=是，0=仅第58条所列）")
    COLLECTIVE_DISCUSSION_THRESHOLD_PERSON = "collective_discussion_threshold_person", _("集体讨论罚款数额标准（个人）")
    COLLECTIVE_DISCUSSION_THRESHOLD_UNIT = "collective_discussion_threshold_unit", _("集体讨论罚款数额标准（单位）")
