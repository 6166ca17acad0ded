"""Real-looking names (姓名) and mobile numbers (手机号) for the demo's officials, the same for the
same login on every run (derived from the login, not random)."""

from __future__ import annotations

import hashlib
import random

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈普李白字"
)
GIVEN = "春梅建华丽娟志强国平红英海燕晓东玉兰文斌永明秀芬俊杰桂芳云龙德华建军金花家福宏伟淑珍天祥绍林顺发正荣"
PREFIXES = ("139", "138", "137", "136", "135", "159", "158", "187", "188", "151", "152", "182", "183", "199")


def demo_person(login: str) -> tuple[str, str]:
    """(name, phone) for ``login``: a surname and one or two given characters, and an 11-digit
    mainland mobile number."""
    rng = random.Random(hashlib.sha256(login.encode()).digest())  # noqa: S311 - demo data, not secrets
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    phone = rng.choice(PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))
    return rng.choice(SURNAMES) + given, phone
