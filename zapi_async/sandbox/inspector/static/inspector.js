// The sandbox inspector page. Plain JavaScript, no build step, no network but the
// sandbox. Every piece of message text goes through textContent (never innerHTML),
// so message bodies cannot inject HTML.
"use strict";

(() => {
  const API = "/_sandbox/api/";
  const $ = (id) => document.getElementById(id);
  const ui = {
    chat: null, // the open chat id
    snapshot: null,
    loading: null, // the state request in flight (a promise)
    again: false,
    items: new Map(), // message key -> {sig, node}
    hooks: new Map(), // webhook seq -> node
  };
  const STATE_MARKS = {
    queued: ["🕓", "queued: the phone is disconnected"],
    deleted: ["🗑", "deleted from the queue"],
    sent: ["✓", "sent"],
    received: ["✓✓", "received"],
    read: ["✓✓", "read"],
    played: ["✓✓", "played"],
  };
  const REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

  // -- small DOM helpers ---------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function safeHref(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function safeSrc(url) {
    if (typeof url !== "string") return null;
    if (/^https?:\/\//i.test(url)) return url;
    if (/^data:(image|video|audio|application)\/[A-Za-z0-9.+-]+;base64,/.test(url)) return url;
    return null;
  }

  function clock(ms) {
    if (!ms) return "";
    const when = new Date(ms);
    return when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  let toastTimer = null;
  function toast(text, bad) {
    const node = $("toast");
    node.textContent = text;
    node.classList.toggle("bad", Boolean(bad));
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 6000);
  }

  // -- WhatsApp formatting: *bold* _italic_ ~strike~ ```mono``` `code` -------------------

  const INLINE = [
    ["*", "strong"],
    ["_", "em"],
    ["~", "del"],
  ];
  const OPEN_BEFORE = /[\s([{"'«>]/;
  const CLOSE_AFTER = /[\s.,!?;:)\]}"'»<]/;

  function findInline(text, from) {
    // The earliest well-formed span: a marker after a boundary, content not starting or
    // ending with a space, the same marker before a boundary, all on one line.
    for (let i = from; i < text.length; i++) {
      const marker = text[i];
      const rule = INLINE.find(([m]) => m === marker) || (marker === "`" ? ["`", "code"] : null);
      if (!rule) continue;
      if (i > 0 && !OPEN_BEFORE.test(text[i - 1])) continue;
      if (i + 1 >= text.length || /\s/.test(text[i + 1])) continue;
      for (let j = i + 2; j < text.length; j++) {
        if (text[j] === "\n") break;
        if (text[j] !== marker || /\s/.test(text[j - 1])) continue;
        if (j + 1 < text.length && !CLOSE_AFTER.test(text[j + 1])) continue;
        return { start: i, end: j, tag: rule[1] };
      }
    }
    return null;
  }

  function formatInline(parent, text) {
    let at = 0;
    while (at < text.length) {
      const span = findInline(text, at);
      if (!span) break;
      if (span.start > at) parent.append(text.slice(at, span.start));
      const inner = text.slice(span.start + 1, span.end);
      const node = el(span.tag);
      if (span.tag === "code") node.textContent = inner;
      else formatInline(node, inner);
      parent.append(node);
      at = span.end + 1;
    }
    if (at < text.length) parent.append(text.slice(at));
  }

  function formatted(text, cls) {
    const node = el("div", { class: cls || "text" });
    const parts = String(text).split(/```([\s\S]+?)```/);
    parts.forEach((part, index) => {
      if (index % 2 === 1) node.append(el("code", { class: "mono", text: part }));
      else formatInline(node, part);
    });
    return node;
  }

  // -- talking to the sandbox ---------------------------------------------------------

  async function api(action, body) {
    let response;
    try {
      response = await fetch(API + action, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (error) {
      toast(`The sandbox is not answering (${error})`, true);
      return null;
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      toast(answer.error || `HTTP ${response.status}`, true);
      return null;
    }
    if (answer.ok === false) {
      toast(`Webhook failed: ${answer.error || "HTTP " + answer.status}`, true);
    }
    return answer;
  }

  // One state request at a time; a change during a request asks for one more. The
  // promise resolves once the page shows a state at least as new as the call.
  function refresh() {
    if (ui.loading) { ui.again = true; return ui.loading; }
    ui.loading = (async () => {
      try {
        do {
          ui.again = false;
          const query = ui.chat ? `?chat=${encodeURIComponent(ui.chat)}` : "";
          const response = await fetch(API + "state" + query);
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          ui.snapshot = await response.json();
          render(ui.snapshot);
        } while (ui.again);
      } catch (error) {
        $("connection").textContent = "sandbox unreachable";
        $("connection").className = "badge off";
      } finally {
        ui.loading = null;
      }
    })();
    return ui.loading;
  }

  // -- chat list ----------------------------------------------------------------------

  const KIND_LABEL = { number: "", lid: "LID", group: "group", channel: "channel", broadcast: "list" };

  function renderChats(chats) {
    const list = $("chats");
    list.replaceChildren(...chats.map((chat) => {
      const current = chat.id === ui.chat;
      const kind = chat.kind in KIND_LABEL ? KIND_LABEL[chat.kind] : chat.kind;
      return el("li", {},
        el("button", {
          type: "button",
          class: "chat-item",
          "data-chat": chat.id,
          "aria-current": current ? "true" : null,
          onclick: () => openChat(chat.id),
        },
        el("span", { class: "chat-title" },
          el("span", { class: "name", text: chat.name || chat.id }),
          kind ? el("span", { class: "kind", text: kind }) : null,
          el("time", { text: clock(chat.time) })),
        chat.name ? el("span", { class: "muted small", text: chat.id }) : null,
        el("span", { class: "preview", text: chat.preview || "no messages yet" })));
    }));
    $("no-chats").hidden = chats.length > 0;
  }

  function openChat(id) {
    if (ui.chat !== id) {
      ui.chat = id;
      ui.items.clear();
      $("messages").replaceChildren();
      history.replaceState(null, "", `#chat=${encodeURIComponent(id)}`);
    }
    document.body.classList.add("show-chat");
    refresh().then(() => $("composer-text").focus());
  }

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

  function renderChat(chat) {
    const section = $("chat");
    section.hidden = !chat;
    $("pick-chat").hidden = Boolean(chat);
    if (!chat) return;
    $("chat-name").textContent = chat.name || chat.id;
    $("chat-id").textContent = chat.name ? `${chat.id} · ${chat.kind}` : chat.kind;
    const list = $("messages");
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const seen = new Set();
    let previous = null;
    chat.items.forEach((item, index) => {
      const key = `${item.direction}:${item.id || index}`;
      seen.add(key);
      const sig = JSON.stringify(item);
      let entry = ui.items.get(key);
      if (!entry || entry.sig !== sig) {
        const node = messageNode(item);
        if (entry) entry.node.replaceWith(node);
        entry = { sig, node };
        ui.items.set(key, entry);
      }
      const expected = previous ? previous.nextSibling : list.firstChild;
      if (expected !== entry.node) list.insertBefore(entry.node, expected);
      previous = entry.node;
    });
    for (const [key, entry] of ui.items) {
      if (!seen.has(key)) { entry.node.remove(); ui.items.delete(key); }
    }
    if (nearBottom) list.scrollTop = list.scrollHeight;
  }

  // -- webhooks, faults, instance -----------------------------------------------------

  function renderWebhooks(hooks) {
    const list = $("webhooks");
    const nodes = hooks.map((hook) => {
      let node = ui.hooks.get(hook.seq);
      if (!node) {
        const outcome = hook.status === null ? (hook.error || "no answer") : `HTTP ${hook.status}`;
        node = el("li", { class: `hook ${hook.ok ? "ok" : "fail"}`, "data-seq": hook.seq },
          el("details", {},
            el("summary", {},
              el("time", { text: clock(hook.time) }),
              el("span", { class: "hook-type", text: hook.type }),
              el("span", { class: "hook-status", text: outcome }),
              el("span", { class: "muted", text: `${hook.latencyMs} ms` }),
              el("span", { class: "muted url", text: hook.url || "" })),
            el("pre", { class: "payload", text: hook.payload }),
            hook.error ? el("p", { class: "bad", text: hook.error }) : null,
            hook.response ? el("p", { class: "muted small" }, "Answer: ", el("code", { text: hook.response })) : null));
        ui.hooks.set(hook.seq, node);
      }
      return node;
    });
    list.replaceChildren(...nodes);
    $("no-webhooks").hidden = hooks.length > 0;
    const failures = hooks.filter((hook) => !hook.ok).length;
    $("webhook-failures").hidden = failures === 0;
    $("webhook-failures").textContent = `${failures} failed`;
  }

  function renderFaults(faults) {
    const items = faults.scripted.map((f) => el("li", {
      text: `${f.kind}${f.kind === "error" ? " " + f.status : ""}${f.retryAfter !== null ? ` (Retry-After ${f.retryAfter})` : ""}`
        + ` on ${f.endpoint || "any endpoint"}: ${f.remaining} left`,
    }));
    for (const [endpoint, seconds] of Object.entries(faults.latency)) {
      items.push(el("li", { text: `latency ${seconds} s on ${endpoint === "*" ? "every endpoint" : endpoint}` }));
    }
    if (faults.plan) items.push(el("li", { text: `random plan: ${faults.plan}` }));
    if (!items.length) items.push(el("li", { class: "muted", text: "none" }));
    $("faults").replaceChildren(...items);
  }

  function renderInstance(instance) {
    const badge = $("connection");
    badge.textContent = instance.connected ? "phone connected" : `phone disconnected (${instance.queued} queued)`;
    badge.className = `badge ${instance.connected ? "on" : "off"}`;
    $("toggle-connection").textContent = instance.connected ? "Disconnect the phone" : "Reconnect the phone";
    $("webhook-url").textContent = instance.webhookUrl || "none (webhooks fail)";
    const rows = [
      ["Instance id", instance.instanceId],
      ["Fake Z-API", `${instance.apiUrl}/instances/${instance.instanceId}/token/…`],
      ["Webhook URL", instance.webhookUrl || "none"],
      ["Messages accepted", String(instance.messages)],
      ["Requests", String(instance.requests)],
    ];
    $("instance").replaceChildren(...rows.flatMap(([key, value]) => [el("dt", { text: key }), el("dd", { text: value })]));
  }

  function render(snapshot) {
    renderInstance(snapshot.instance);
    renderChats(snapshot.chats);
    renderChat(snapshot.chat);
    renderWebhooks(snapshot.webhooks);
    renderFaults(snapshot.faults);
  }

  // -- wiring -------------------------------------------------------------------------

  function selectTab(tab) {
    for (const other of document.querySelectorAll('[role="tab"]')) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !selected;
    }
  }

  function wire() {
    const tabs = [...document.querySelectorAll('[role="tab"]')];
    for (const tab of tabs) {
      tab.addEventListener("click", () => selectTab(tab));
      tab.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
        selectTab(next);
        next.focus();
      });
    }
    $("back").addEventListener("click", () => {
      document.body.classList.remove("show-chat");
      const current = document.querySelector(".chat-item[aria-current]");
      if (current) current.focus();
    });
    $("new-chat").addEventListener("submit", async (event) => {
      event.preventDefault();
      const phone = $("new-chat-phone").value.trim();
      const name = $("new-chat-name").value.trim();
      if (!phone) return;
      const answer = await api("chats", { phone, name: name || null });
      if (answer) {
        $("new-chat-phone").value = "";
        $("new-chat-name").value = "";
        openChat(answer.chat);
      }
    });
    const text = $("composer-text");
    const send = async () => {
      const value = text.value;
      if (!value.trim() || !ui.chat) return;
      text.value = "";
      const answer = await api("say", { phone: ui.chat, text: value });
      if (answer === null) text.value = value;
    };
    $("composer").addEventListener("submit", (event) => { event.preventDefault(); send(); });
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
      }
    });
    $("call").addEventListener("click", () => ui.chat && api("call", { phone: ui.chat }));
    $("list-close").addEventListener("click", () => $("list-dialog").close());
    $("toggle-connection").addEventListener("click", () => {
      const connected = ui.snapshot ? ui.snapshot.instance.connected : true;
      api("connection", { connected: !connected });
    });
    $("webhook-form").addEventListener("submit", (event) => {
      event.preventDefault();
      api("webhook-url", { url: $("webhook-url-input").value.trim() || null });
    });
    $("fault-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const kind = form.get("kind");
      const body = { kind, n: Number(form.get("n")) || 1, endpoint: form.get("endpoint") || null };
      if (kind === "error") body.status = Number(form.get("status")) || 500;
      if (kind === "rate_limit") body.retryAfter = Number(form.get("retryAfter"));
      if (kind === "latency") body.seconds = Number(form.get("seconds"));
      api("faults", body).then((answer) => answer && toast(`Fault injected: ${kind}`));
    });
    $("faults-clear").addEventListener("click", () => api("faults", { kind: "clear" }));

    const match = /^#chat=(.+)$/.exec(location.hash);
    if (match) {
      ui.chat = decodeURIComponent(match[1]);
      document.body.classList.add("show-chat");
    }
    const events = new EventSource("/_sandbox/events");
    events.addEventListener("change", () => refresh());
    events.addEventListener("error", () => {
      $("connection").textContent = "reconnecting…";
      $("connection").className = "badge off";
    });
    refresh();
  }

  wire();
})();
