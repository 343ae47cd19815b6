"""The SMS adapter: one HTTP POST per message to the provider's send API, by template per reminder kind.

The request is the shape Aliyun's SendSms and Tencent Cloud's SendSms share, as JSON: the number, the signature,
the template code and its parameters, and ``out_id`` (Aliyun's OutId, Tencent's SessionContext) carrying the
delivery id, which is the same on every attempt. A provider (or the district's SMS gateway in front of it)
answers ``{"code": "OK", "biz_id": ...}``; any other code is a refusal.
"""

from __future__ import annotations

import httpx

from services.notifier.channels import Message, SendError
from services.notifier.templates import TEMPLATES

# Provider codes that no retry can fix: the number or the template is wrong.
PERMANENT_CODES = frozenset({"isv.MOBILE_NUMBER_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS", "isv.SMS_TEMPLATE_ILLEGAL",
                             "InvalidParameterValue.IncorrectPhoneNumber", "MOBILE_NUMBER_ILLEGAL"})


class SmsSender:
    def __init__(self, url: str, key: str, sign: str, timeout: float, client: httpx.AsyncClient | None = None) -> None:
        self.url = url
        self.key = key
        self.sign = sign
        self.client = client or httpx.AsyncClient(timeout=timeout)

    async def send(self, message: Message) -> None:
        body = {"phone_numbers": message.address, "sign_name": self.sign,
                "template_code": TEMPLATES[message.kind].sms_code, "template_param": message.params,
                "out_id": message.key}
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        try:
            response = await self.client.post(self.url, json=body, headers=headers)
        except httpx.TimeoutException:
            raise SendError("the SMS provider did not answer in time") from None
        except httpx.HTTPError as error:
            raise SendError(f"the SMS provider could not be reached: {type(error).__name__}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise SendError(f"the SMS provider answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise SendError(f"the SMS provider answered HTTP {response.status_code} without JSON") from None
        code = str(answer.get("code", "")) if isinstance(answer, dict) else ""
        if response.status_code >= 400 or code != "OK":
            permanent = code in PERMANENT_CODES or 400 <= response.status_code < 500
            raise SendError(f"the SMS provider refused: {code or response.status_code}", permanent=permanent)
