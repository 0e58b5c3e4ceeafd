"""The console's words for a refused form (a missing or forged CSRF token, a post from another site), in
Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "csrf_title": {"zh": "表单已失效", "en": "This form has expired"},
    "csrf_refused": {
        "zh": "表单未通过校验（已过期，或并非从本系统页面提交），未作任何更改。请返回并重新打开页面后再提交。",
        "en": "The form could not be verified (it expired, or was not sent from this system's own page); nothing "
        "was changed. Go back, reload the page and submit it again.",
    },
}
