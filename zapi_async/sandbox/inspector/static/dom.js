// The sandbox inspector, part 1 of 3: DOM helpers and WhatsApp formatting.
// Every piece of message text goes through textContent or text nodes (never
// innerHTML), so message bodies cannot inject HTML.
"use strict";

(() => {
  const Z = (window.ZapiInspector = window.ZapiInspector || {});
  const $ = (id) => document.getElementById(id);

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

  Object.assign(Z, { $, el, safeHref, safeSrc, clock, toast, formatted });
})();
