"""The five forms of a WhatsApp chat id as Z-API uses them, and :func:`chat_kind`.

======================  ================================  =====================================
kind                    example                           where it appears
======================  ================================  =====================================
``ChatKind.PHONE``      ``5511999998888``                 a contact: digits only, 8-15 of them
``ChatKind.GROUP``      ``120363019502650977-group``      a group; the legacy form
                        ``5511999998888-1623281429``      (creator + timestamp) still appears
``ChatKind.LID``        ``81896604192873@lid``            a contact's private WhatsApp id: the
                                                          same contact may arrive as a number
                                                          and later as a LID; Z-API sends to it
``ChatKind.NEWSLETTER`` ``120363166555745933@newsletter`` a channel
``ChatKind.BROADCAST``  ``1624901640-broadcast``          a broadcast list (Z-API cannot send
                                                          to it: a WhatsApp Web limit)
======================  ================================  =====================================

>>> chat_kind("81896604192873@lid")
<ChatKind.LID: 'lid'>
>>> chat_kind("5511999998888")
<ChatKind.PHONE: 'phone'>
>>> chat_kind("@lid") is None
True
"""

from __future__ import annotations

import enum
import re

__all__ = ["ChatKind", "chat_kind"]

#: Shortest and longest phone numbers (country code included) accepted, per E.164.
MIN_PHONE_DIGITS = 8
MAX_PHONE_DIGITS = 15


class ChatKind(str, enum.Enum):
    """What a chat id names; members compare equal to their strings (``"lid"``)."""

    PHONE = "phone"
    GROUP = "group"
    LID = "lid"
    NEWSLETTER = "newsletter"
    BROADCAST = "broadcast"


# ASCII digits only: ``\d`` would also accept Arabic-Indic or full-width digits.
_FORMS: tuple[tuple[ChatKind, re.Pattern[str]], ...] = (
    (ChatKind.PHONE, re.compile(rf"[0-9]{{{MIN_PHONE_DIGITS},{MAX_PHONE_DIGITS}}}")),
    # New-style group ids and old ones (creator's number + a timestamp).
    (ChatKind.GROUP, re.compile(r"[0-9]{6,30}-(?:group|[0-9]{6,14})")),
    (ChatKind.LID, re.compile(r"[0-9]{6,20}@lid")),
    (ChatKind.NEWSLETTER, re.compile(r"[0-9]{6,30}@newsletter")),
    (ChatKind.BROADCAST, re.compile(r"[0-9]{6,20}-broadcast")),
)


def chat_kind(chat_id: object) -> ChatKind | None:
    """The :class:`ChatKind` of ``chat_id``, or ``None`` when it has none of the five
    shapes (``"@lid"``, ``"123@lid@lid"``, ``"x-group"``, ``"+55 11 ..."``, a non-string).

    Only the shape is checked: whether the chat exists is Z-API's to say.
    """
    if not isinstance(chat_id, str):
        return None
    for kind, pattern in _FORMS:
        if pattern.fullmatch(chat_id):
            return kind
    return None
