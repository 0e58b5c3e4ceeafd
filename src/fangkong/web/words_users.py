"""The console's words for staff accounts (账号管理) and the login's lockout, in Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "list_entity_user": {"zh": "账号", "en": "Account"},  # the audit log's entries about accounts
    "users_nav": {"zh": "账号管理", "en": "Accounts"},
    "users_title": {"zh": "工作人员账号", "en": "Staff accounts"},
    "users_count": {"zh": "共 {n} 个账号", "en": "{n} accounts"},
    "users_username": {"zh": "用户名", "en": "Username"},
    "users_role": {"zh": "角色", "en": "Role"},
    "users_jurisdiction": {"zh": "辖区代码", "en": "Jurisdiction code"},
    "users_state": {"zh": "状态", "en": "State"},
    "users_active": {"zh": "启用", "en": "Enabled"},
    "users_disabled": {"zh": "已停用", "en": "Disabled"},
    "users_created": {"zh": "创建时间", "en": "Created"},
    "users_add": {"zh": "新增账号", "en": "Add an account"},
    "users_password": {"zh": "初始密码", "en": "First password"},
    "users_password_rule": {
        "zh": "至少 10 个字符；不得使用常见密码、连续或重复字符、用户名或演示密码",
        "en": "At least 10 characters; not a common password, a run or repeat of characters, the username or the demo "
        "password",
    },
    "users_save": {"zh": "保存", "en": "Save"},
    "users_change": {"zh": "更改角色或辖区", "en": "Change role or jurisdiction"},
    "users_disable": {"zh": "停用", "en": "Disable"},
    "users_enable": {"zh": "启用", "en": "Enable"},
    "users_new_password": {"zh": "新密码", "en": "New password"},
    "users_reset": {"zh": "重置密码", "en": "Reset the password"},
    "users_actions": {"zh": "操作", "en": "Actions"},
    "users_saved": {"zh": "账号 {name} 已保存。", "en": "Account {name} saved."},
    "users_none": {"zh": "没有账号。", "en": "No accounts."},
    "login_locked": {
        "zh": "登录失败次数过多，已暂时锁定，请 {n} 分钟后再试。",
        "en": "Too many failed logins: locked for now. Try again in {n} minutes.",
    },
}
