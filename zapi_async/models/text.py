"""Plain text messages (``POST /send-text``): send, edit, or reply to a message.

>>> from zapi_async.wire import to_wire
>>> to_wire(TextMessage("5511999999999", "On my way!", delay_typing=3))
{'phone': '5511999999999', 'message': 'On my way!', 'delayTyping': 3}
>>> to_wire(TextMessage("5511999999999", "Yes, that one.", message_id="3EB0C431C26A"))
{'phone': '5511999999999', 'message': 'Yes, that one.', 'messageId': '3EB0C431C26A'}
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ._checks import check_delay, check_optional_id, check_recipient, check_text

__all__ = ["TextMessage"]


@attrs.frozen
class TextMessage:
    """A text message (``POST /send-text``).

    * ``phone``: the recipient, digits only (``5511999999999``) or a group id.
    * ``message``: the text; must not be empty.
    * ``delay_message``: 1..15 seconds Z-API waits before sending the *next*
      message (default: Z-API's random 1..3 s).
    * ``delay_typing``: 1..15 seconds the chat shows "typing..." before this
      message goes out (default: none).
    * ``edit_message_id``: the ``messageId`` of a message you sent earlier; its
      text is replaced by ``message`` instead of a new message being sent.
    * ``message_id``: the ``messageId`` of a message to reply to (quote); sent as
      ``messageId``.
    """

    endpoint: ClassVar[str] = "send-text"

    phone: str
    message: str
    delay_message: int | None = None
    delay_typing: int | None = None
    edit_message_id: str | None = None
    message_id: str | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("TextMessage.phone", self.phone)
        check_text("TextMessage.message", self.message)
        check_delay("TextMessage.delay_message", self.delay_message)
        check_delay("TextMessage.delay_typing", self.delay_typing)
        check_optional_id("TextMessage.edit_message_id", self.edit_message_id)
        check_optional_id("TextMessage.message_id", self.message_id)
