"""Keeps secret links out of every log line.

Receipt tokens, unsubscribe and confirmation tokens and the Telegram webhook's secret travel
in URL paths, and Django's loggers write paths (a CSRF failure, a 500). This filter sits on
every handler and replaces each such secret with `[redacted]` before anything is written.
"""

import logging
import re

REDACTED = "[redacted]"
# A path segment after one of these is a secret: /r/<token>/, /updates/unsubscribe/<token>/.
SECRET_PATH = re.compile(
    r"(/(?:r|unsubscribe|confirm|subscribe|webhook|receipt)/)[^/\s?#\"']+", re.IGNORECASE
)
SECRET_QUERY = re.compile(r"([?&](?:token|code|secret|key|t)=)[^&\s#\"']+", re.IGNORECASE)


def redact(text: str) -> str:
    return SECRET_QUERY.sub(rf"\1{REDACTED}", SECRET_PATH.sub(rf"\1{REDACTED}", text))


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
