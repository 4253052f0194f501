"""The public namespace is exactly the documented API, and every name resolves."""

import pytest

import zapi_async

DOCUMENTED = {
    "DeviceInfo",
    "InstanceInfo",
    "PairingCode",
    "PhoneCheck",
    "PhoneExists",
    "QrCode",
    "WebhookKind",
    "ConfigurationError",
    "AnyButtonList",
    "AuthenticationError",
    "Button",
    "ButtonActionsMessage",
    "ButtonListImageMessage",
    "ButtonListMessage",
    "ButtonListVideoMessage",
    "ButtonPolicy",
    "CallButton",
    "ClientClosedError",
    "DailyCapReachedError",
    "DeliveryUnknownError",
    "InstanceDisconnectedError",
    "InstanceStatus",
    "Limiter",
    "LimiterUnavailableError",
    "ListButton",
    "ListOption",
    "Message",
    "MethodNotAllowedError",
    "NotSentError",
    "OptionListMessage",
    "OtpButtonMessage",
    "Outcome",
    "PacingProfile",
    "PartialSendError",
    "PixButtonMessage",
    "PixKeyType",
    "PoolLimits",
    "QueueClosedError",
    "QueuePage",
    "QueueStats",
    "QueuedMessage",
    "RateLimitedError",
    "RateLimiter",
    "RedisRateLimiter",
    "ReplyButton",
    "ResponseFormatError",
    "RetryPolicy",
    "SendQueue",
    "SendResult",
    "ServerError",
    "TextMessage",
    "Timeouts",
    "UnsupportedMediaTypeError",
    "UrlButton",
    "ValidationError",
    "WebhookError",
    "WebhookRouter",
    "WebhookSecurity",
    "WireFormatError",
    "ZapiClient",
    "ZapiConnectionError",
    "ZapiError",
    "ZapiHTTPError",
    "ZapiSandbox",
    "button_list",
    "check_compliant",
    "from_wire",
    "is_compliant",
    "normalize_phone",
    "parse_webhook",
    "send_many",
    "split",
    "to_wire",
}


def test_all_is_the_documented_api() -> None:
    assert set(zapi_async.__all__) == DOCUMENTED
    assert len(zapi_async.__all__) == len(DOCUMENTED)


def test_public_names_are_importable() -> None:
    for name in zapi_async.__all__:
        assert getattr(zapi_async, name) is not None, name


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        getattr(zapi_async, "NoSuchThing")  # noqa: B009
