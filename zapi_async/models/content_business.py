"""Typed content of an incoming message, continued: buttons and templates, carousels,
payments, catalogue and orders, ads, channel invites and status replies.

Same conventions as :mod:`zapi_async.models.content`: snake_case of Z-API's keys,
Z-API's values, every field optional. Money amounts are numbers as Z-API sends them
(``total: 2000``), read as ``float``.
"""

from __future__ import annotations

import attrs

from .content import DocumentContent, ImageContent, LocationContent, VideoContent

__all__ = [
    "ButtonText",
    "ButtonsMessageButton",
    "ButtonsMessageContent",
    "CallButtonContent",
    "CarouselCardContent",
    "CarouselContent",
    "ExternalAdReply",
    "HydratedButton",
    "HydratedTemplateContent",
    "NewsletterAdminInviteContent",
    "OrderContent",
    "OrderProduct",
    "PaymentInfo",
    "PixKeyContent",
    "ProductContent",
    "QuickReplyButtonContent",
    "RequestPaymentContent",
    "ReviewAndPayContent",
    "ReviewOrderContent",
    "ReviewProduct",
    "SendPaymentContent",
    "StatusImageContent",
    "TemplateHeader",
    "UrlButtonContent",
]


# --- buttons and templates ----------------------------------------------------------


@attrs.frozen(kw_only=True)
class ButtonText:
    """A button's visible text (``buttonText.displayText``)."""

    display_text: str | None = None


@attrs.frozen(kw_only=True)
class ButtonsMessageButton:
    """One button of a :class:`ButtonsMessageContent`; ``type`` is 1 for a reply button."""

    button_id: str | None = None
    type: int | None = None
    button_text: ButtonText | None = None


@attrs.frozen(kw_only=True)
class ButtonsMessageContent:
    """A message with reply buttons (``buttonsMessage``), e.g. the echo of your own
    image or video button list: ``image_url`` or ``video_url`` is set."""

    image_url: str | None = None
    video_url: str | None = None
    message: str | None = None
    buttons: tuple[ButtonsMessageButton, ...] = ()


@attrs.frozen(kw_only=True)
class UrlButtonContent:
    """A template's URL button (``urlButton``). An OTP "copy code" button is one whose
    URL carries ``otp_type=COPY_CODE&code=...``."""

    display_text: str | None = None
    url: str | None = None


@attrs.frozen(kw_only=True)
class QuickReplyButtonContent:
    """A template's reply button (``quickReplyButton``)."""

    display_text: str | None = None
    id: str | None = None


@attrs.frozen(kw_only=True)
class CallButtonContent:
    """A template's call button (``callButton``)."""

    display_text: str | None = None
    phone_number: str | None = None


@attrs.frozen(kw_only=True)
class HydratedButton:
    """One button of a template or carousel card: ``index`` plus one of its kinds."""

    index: int | None = None
    url_button: UrlButtonContent | None = None
    quick_reply_button: QuickReplyButtonContent | None = None
    call_button: CallButtonContent | None = None


@attrs.frozen(kw_only=True)
class TemplateHeader:
    """A template or card header: empty, or one media object (or a location)."""

    image: ImageContent | None = None
    video: VideoContent | None = None
    document: DocumentContent | None = None
    location: LocationContent | None = None


@attrs.frozen(kw_only=True)
class HydratedTemplateContent:
    """A template message (``hydratedTemplate``): text, footer, title and buttons
    (OTP and action-button messages arrive in this shape)."""

    header: TemplateHeader | None = None
    message: str | None = None
    footer: str | None = None
    title: str | None = None
    template_id: str | None = None
    hydrated_buttons: tuple[HydratedButton, ...] = ()


@attrs.frozen(kw_only=True)
class CarouselCardContent:
    """One card of a carousel."""

    header: TemplateHeader | None = None
    message: str | None = None
    footer: str | None = None
    title: str | None = None
    hydrated_buttons: tuple[HydratedButton, ...] = ()


@attrs.frozen(kw_only=True)
class CarouselContent:
    """A carousel (``carouselMessage``): a ``text`` and its ``cards``."""

    text: str | None = None
    cards: tuple[CarouselCardContent, ...] = ()


# --- payments ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PixKeyContent:
    """A PIX key button message (``pixKeyMessage``)."""

    currency: str | None = None
    reference_id: str | None = None
    key: str | None = None
    key_type: str | None = None
    merchant_name: str | None = None


@attrs.frozen(kw_only=True)
class PaymentInfo:
    """A WhatsApp payment's details (``paymentInfo``)."""

    receiver_phone: str | None = None
    value: float | None = None
    currency_code: str | None = None
    status: str | None = None
    transaction_status: str | None = None


@attrs.frozen(kw_only=True)
class RequestPaymentContent:
    """A payment request (``requestPayment``); ``expiration`` is epoch milliseconds."""

    value: float | None = None
    currency_code: str | None = None
    expiration: int | None = None
    request_phone: str | None = None
    payment_info: PaymentInfo | None = None


@attrs.frozen(kw_only=True)
class SendPaymentContent:
    """A payment received (``sendPayment``)."""

    payment_info: PaymentInfo | None = None


# --- catalogue and orders -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class ProductContent:
    """A catalogue product (``product``)."""

    product_image: str | None = None
    business_owner_jid: str | None = None
    currency_code: str | None = None
    product_id: str | None = None
    description: str | None = None
    product_image_count: int | None = None
    price: float | None = None
    url: str | None = None
    retailer_id: str | None = None
    first_image_id: str | None = None
    title: str | None = None


@attrs.frozen(kw_only=True)
class OrderProduct:
    """One line of a cart (``order.products``)."""

    quantity: int | None = None
    name: str | None = None
    product_id: str | None = None
    retailer_id: str | None = None
    price: float | None = None
    currency_code: str | None = None


@attrs.frozen(kw_only=True)
class OrderContent:
    """A cart sent from the catalogue (``order``)."""

    item_count: int | None = None
    order_id: str | None = None
    message: str | None = None
    order_title: str | None = None
    seller_jid: str | None = None
    thumbnail_url: str | None = None
    token: str | None = None
    currency: str | None = None
    total: float | None = None
    sub_total: float | None = None
    products: tuple[OrderProduct, ...] = ()


@attrs.frozen(kw_only=True)
class ReviewProduct:
    """One line of an order you sent (``reviewAndPay.products`` / ``reviewOrder.products``)."""

    name: str | None = None
    quantity: int | None = None
    is_custom_item: bool | None = None
    product_id: str | None = None
    value: float | None = None


@attrs.frozen(kw_only=True)
class ReviewOrderContent:
    """An order update (``reviewOrder``)."""

    currency: str | None = None
    reference_id: str | None = None
    order_request_id: str | None = None
    order_status: str | None = None
    payment_status: str | None = None
    total: float | None = None
    sub_total: float | None = None
    discount: float | None = None
    shipping: float | None = None
    tax: float | None = None
    products: tuple[ReviewProduct, ...] = ()


@attrs.frozen(kw_only=True)
class ReviewAndPayContent(ReviewOrderContent):
    """An order you sent (``reviewAndPay``): a :class:`ReviewOrderContent` plus its
    ``type`` (``"physical-goods"``)."""

    type: str | None = None


# --- ads, channels, status ----------------------------------------------------------


@attrs.frozen(kw_only=True)
class ExternalAdReply:
    """The ad a conversation started from (``externalAdReply``, click-to-WhatsApp).

    ``ctwa_clid`` is the click id; ``media_type`` a number.
    """

    title: str | None = None
    body: str | None = None
    media_type: int | None = None
    thumbnail_url: str | None = None
    source_type: str | None = None
    source_id: str | None = None
    source_url: str | None = None
    ctwa_clid: str | None = None
    contains_auto_reply: bool | None = None
    render_larger_thumbnail: bool | None = None
    show_ad_attribution: bool | None = None


@attrs.frozen(kw_only=True)
class NewsletterAdminInviteContent:
    """An invitation to administer a channel (``newsletterAdminInvite``);
    ``invite_expiration`` is epoch **seconds** in Z-API's example."""

    newsletter_id: str | None = None
    newsletter_name: str | None = None
    text: str | None = None
    invite_expiration: int | None = None


@attrs.frozen(kw_only=True)
class StatusImageContent:
    """The status (story) image a reply answers (``statusImage``, with
    ``is_status_reply``). Z-API spells its MIME key ``mimetype`` here."""

    image_url: str | None = None
    thumbnail_url: str | None = None
    caption: str | None = None
    mimetype: str | None = None
    view_once: bool | None = None
    width: int | None = None
    height: int | None = None
