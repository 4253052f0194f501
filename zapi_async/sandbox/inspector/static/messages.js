// The sandbox inspector, part 2 of 3: one message, drawn from its view (see views.py).
"use strict";

(() => {
  const Z = window.ZapiInspector;
  const { $, el, safeHref, safeSrc, clock, toast, formatted } = Z;
  const api = (action, body) => Z.api(action, body);

  const STATE_MARKS = {
    queued: ["🕓", "queued: the phone is disconnected"],
    deleted: ["🗑", "deleted from the queue"],
    sent: ["✓", "sent"],
    received: ["✓✓", "received"],
    read: ["✓✓", "read"],
    played: ["✓✓", "played"],
  };
  const REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

  // -- one message --------------------------------------------------------------------

  function mediaNode(media) {
    const src = safeSrc(media.src);
    if (!src) {
      return el("div", { class: "media placeholder", text: `[${media.type}] ${media.label || ""}` });
    }
    if (media.type === "image" || media.type === "sticker") {
      return el("img", { class: `media ${media.type}`, src, alt: `${media.type} sent by the bot`, loading: "lazy" });
    }
    if (media.type === "audio") return el("audio", { class: "media", src, controls: true, preload: "none" });
    if (media.type === "document") {
      return el("a", { class: "media document", href: safeHref(src), target: "_blank", rel: "noopener noreferrer" },
        `📄 ${media.fileName || "document"}`);
    }
    const video = el("video", { class: `media ${media.type}`, src, controls: true, preload: "none" });
    if (media.type === "gif" || media.type === "ptv") { video.muted = true; video.loop = true; }
    return video;
  }

  function buttonNode(item, button) {
    if (button.type === "URL") {
      const href = safeHref(button.url);
      return el("a", { class: "action", href, target: "_blank", rel: "noopener noreferrer" }, `🔗 ${button.label}`);
    }
    if (button.type === "CALL") {
      const digits = String(button.phone || "").replace(/[^0-9+]/g, "");
      return el("a", { class: "action", href: digits ? `tel:${digits}` : null }, `📞 ${button.label}`);
    }
    return el("button", {
      type: "button",
      class: "action reply",
      title: `Press (sends buttonsResponseMessage, buttonId ${button.id})`,
      onclick: () => api("press", { messageId: item.id, buttonId: button.id }),
    }, button.label);
  }

  function openList(item) {
    const list = item.view.list;
    $("list-title").textContent = list.title || list.buttonLabel;
    $("list-options").replaceChildren(...list.options.map((option) => el("li", {},
      el("button", {
        type: "button",
        class: "option",
        disabled: option.id ? null : true,
        onclick: async () => {
          $("list-dialog").close();
          await api("select", { messageId: item.id, optionId: option.id });
        },
      },
      el("span", { class: "option-title", text: option.title }),
      option.description ? el("span", { class: "muted small", text: option.description }) : null))));
    $("list-dialog").showModal();
  }

  function pollNode(item) {
    const poll = item.view.poll;
    const single = poll.maxOptions === 1;
    const form = el("form", { class: "poll" },
      el("p", { class: "poll-question" }, formatted(poll.question, "text")),
      el("p", { class: "muted small", text: single ? "Select one" : "Select one or more" }));
    poll.options.forEach((name) => {
      const votes = (item.votes || {})[name] || 0;
      form.append(el("label", { class: "poll-option" },
        el("input", { type: single ? "radio" : "checkbox", name: "vote", value: name }),
        el("span", { text: name }),
        el("span", { class: "votes", text: votes ? String(votes) : "" })));
    });
    form.append(el("button", { type: "submit" }, "Vote"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const options = [...form.querySelectorAll("input:checked")].map((input) => input.value);
      if (options.length) api("vote", { messageId: item.id, options });
    });
    return form;
  }

  function cards(view) {
    const nodes = [];
    if (view.location) {
      const loc = view.location;
      const map = safeHref(loc.mapUrl);
      nodes.push(el("div", { class: "card" },
        el("strong", { text: `📍 ${loc.title || "Location"}` }),
        loc.address ? el("div", { text: loc.address }) : null,
        el("div", { class: "muted small", text: `${loc.latitude}, ${loc.longitude}` }),
        map ? el("a", { href: map, target: "_blank", rel: "noopener noreferrer" }, "Open map") : null));
    }
    for (const contact of view.contacts || []) {
      nodes.push(el("div", { class: "card" },
        el("strong", { text: `👤 ${contact.name}` }),
        ...contact.phones.map((phone) => el("div", { text: phone })),
        contact.description ? el("div", { class: "muted small", text: contact.description }) : null));
    }
    if (view.link) {
      const link = view.link;
      const href = safeHref(link.url);
      const image = safeSrc(link.image);
      nodes.push(el("a", { class: `card link ${String(link.size).toLowerCase()}`, href, target: "_blank", rel: "noopener noreferrer" },
        image ? el("img", { src: image, alt: "", loading: "lazy" }) : null,
        el("strong", { text: link.title || link.url || "" }),
        link.description ? el("span", { class: "muted small", text: link.description }) : null));
    }
    if (view.otp) {
      nodes.push(el("button", {
        type: "button",
        class: "action",
        title: `Copies ${view.otp.code}`,
        onclick: () => navigator.clipboard?.writeText(view.otp.code).then(
          () => toast(`Copied ${view.otp.code}`), () => toast(`Code: ${view.otp.code}`)),
      }, `📋 ${view.otp.buttonText}`));
    }
    if (view.pix) {
      const pix = view.pix;
      nodes.push(el("div", { class: "card" },
        el("strong", { text: `PIX ${pix.keyType}` }),
        el("code", { text: pix.key }),
        pix.merchantName ? el("div", { class: "muted small", text: pix.merchantName }) : null),
      el("button", {
        type: "button", class: "action",
        onclick: () => navigator.clipboard?.writeText(pix.key).then(() => toast("PIX key copied"), () => toast(pix.key)),
      }, "Copy PIX key"));
    }
    if (view.reaction) {
      nodes.push(el("div", { class: "reaction-sent" },
        `${view.reaction.emoji || "(reaction removed)"} `,
        el("span", { class: "muted small", text: `to ${view.reaction.messageId || "?"}` })));
    }
    if (view.fields && view.fields.length) {
      const table = el("dl", { class: "fields" });
      for (const [key, value] of view.fields) table.append(el("dt", { text: key }), el("dd", { text: value }));
      nodes.push(table);
    }
    return nodes;
  }

  function outActions(item) {
    const state = item.state;
    if (state === "queued" || state === "deleted") return null;
    const bar = el("div", { class: "person-actions", role: "group", "aria-label": "The person's phone" });
    bar.append(
      el("button", { type: "button", onclick: () => api("mark", { messageId: item.id, status: "RECEIVED" }) }, "Mark received"),
      el("button", { type: "button", onclick: () => api("mark", { messageId: item.id, status: "READ" }) }, "Mark read"));
    const react = el("details", { class: "react" }, el("summary", {}, "React"));
    const emojis = el("div", { class: "emojis" });
    for (const emoji of REACTIONS) {
      emojis.append(el("button", {
        type: "button",
        "aria-label": `React ${emoji}`,
        onclick: () => { react.open = false; api("react", { messageId: item.id, reaction: emoji }); },
      }, emoji));
    }
    emojis.append(el("button", { type: "button", onclick: () => api("react", { messageId: item.id, reaction: "" }) }, "Remove"));
    react.append(emojis);
    bar.append(react);
    return bar;
  }

  function messageNode(item) {
    const view = item.view;
    const out = item.direction === "out";
    const bubble = el("div", { class: "bubble" });
    if (view.replyTo) bubble.append(el("div", { class: "quote", text: `↩ reply to ${view.replyTo}` }));
    if (view.edits) bubble.append(el("div", { class: "quote", text: `✎ edits ${view.edits}` }));
    if (view.media) bubble.append(mediaNode(view.media));
    if (view.title) bubble.append(el("div", { class: "title" }, formatted(view.title, "text")));
    if (view.kind === "button-reply") bubble.append(el("div", { class: "muted small", text: `button ${view.buttonId}` }));
    if (view.kind === "list-reply") bubble.append(el("div", { class: "muted small", text: `option ${view.optionId}` }));
    if (view.kind === "call") bubble.append(el("div", { class: "call", text: "📞" }));
    if (view.text) bubble.append(formatted(view.text, "text"));
    if (view.description) bubble.append(el("div", { class: "muted small", text: view.description }));
    if (view.footer) bubble.append(el("div", { class: "footer" }, formatted(view.footer, "text")));
    bubble.append(...cards(view));
    if (view.kind === "poll") bubble.append(pollNode(item));
    const meta = el("div", { class: "meta" },
      el("span", { class: "endpoint", text: out ? view.endpoint : view.kind }),
      el("time", { text: clock(item.time) }));
    if (out) {
      const [mark, label] = STATE_MARKS[item.state] || ["?", item.state];
      meta.append(el("span", { class: `ticks ${item.state}`, title: label, "aria-label": label, "data-state": item.state, text: mark }));
    } else if (!item.webhookOk) {
      meta.append(el("span", { class: "hook-failed", text: `⚠ webhook ${item.webhookError || "failed"}` }));
    }
    bubble.append(meta);
    if (item.reactions && item.reactions.length) {
      bubble.append(el("div", { class: "reactions", "aria-label": "reactions", text: item.reactions.join(" ") }));
    }
    const node = el("li", { class: `msg ${out ? "out" : "in"}`, "data-id": item.id || "" }, bubble);
    if (view.buttons && view.buttons.length) {
      node.append(el("div", { class: "actions" }, ...view.buttons.map((button) => buttonNode(item, button))));
    }
    if (view.list) {
      node.append(el("div", { class: "actions" },
        el("button", { type: "button", class: "action list", onclick: () => openList(item) }, `☰ ${view.list.buttonLabel}`)));
    }
    if (out) node.append(outActions(item) || "");
    return node;
  }

  Z.messageNode = messageNode;
})();
