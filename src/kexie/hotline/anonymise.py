"""Anonymising a consultation for the knowledge base: no name, phone, ID number, WeChat ID or
house address of the caller survives (no Django)."""

import re

PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
WECHAT = re.compile(r"(微信号?|QQ号?)[::\s]*[A-Za-z0-9_-]{5,}")
SELF_NAME = re.compile(r"(我叫|我是|本人|姓名[::]?)([\u4e00-\u9fa5]{2,3})")
HOUSE = re.compile(r"[\u4e00-\u9fa5]{1,8}(村|社区|小区)[\u4e00-\u9fa5\d]{0,6}?\d+号(楼|院)?")
CALLER = "来电人"


def anonymise(text: str, *, names: tuple[str, ...] = ()) -> str:
    """`text` with the caller's identifying details replaced; `names` are names known from the
    record (the caller's), replaced wherever they appear."""
    text = text or ""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, CALLER)
    text = ID_NUMBER.sub("[身份证号]", text)
    text = PHONE.sub("[电话]", text)
    text = WECHAT.sub(r"\1[已隐去]", text)
    text = SELF_NAME.sub(lambda m: m.group(1) + CALLER, text)
    text = HOUSE.sub("[住址]", text)
    return text
