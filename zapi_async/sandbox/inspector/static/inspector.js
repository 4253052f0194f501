// The sandbox inspector, part 3 of 3: state, live updates, panels and wiring.
// Plain JavaScript, no build step, no network but the sandbox itself.
"use strict";

(() => {
  const Z = window.ZapiInspector;
  const { $, el, clock, toast } = Z;
  const API = "/_sandbox/api/";
  const ui = {
    chat: null, // the open chat id
    snapshot: null,
    loading: null, // the state request in flight (a promise)
    again: false,
    items: new Map(), // message key -> {sig, node}
    hooks: new Map(), // webhook seq -> node
  };

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

  function renderChats(chats, total) {
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
    if (total > chats.length) {
      list.append(el("li", { class: "muted small more", text: `the newest ${chats.length} of ${total} chats` }));
    }
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
        const node = Z.messageNode(item);
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
    renderChats(snapshot.chats, snapshot.chatCount);
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

  Z.api = api;
  wire();
})();
