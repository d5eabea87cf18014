// The local Slack page: long-polls /local/state, renders Block Kit, and sends the user's
// gestures to /local/... where the local Slack turns them into signed requests to the bot.
// Every piece of message text is escaped (esc) or set via textContent: messages can't inject HTML.
"use strict";

const state = { rev: -1, data: null, channel: null, thread: null, seenCounts: {}, forceScroll: false,
  me: null, app: null, lastAppTab: null, poller: null, pendingChannel: null };
// Per message list: is the reader at the bottom? Kept from scroll events, so a re-render or an
// image that loads late keeps the latest message in view instead of pushing it under the composer.
const pinned = { messages: true, "thread-messages": true };
const autoTop = {}; // where toBottom last put each list: its own scroll events change nothing

// ---------------------------------------------------------------- small helpers

const BOT_ICON = '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><rect x="4" y="12" width="4" height="8" rx="1" fill="#fff"/><rect x="10" y="7" width="4" height="13" rx="1" fill="#fff" opacity=".85"/><rect x="16" y="4" width="4" height="16" rx="1" fill="#fff" opacity=".7"/></svg>';


function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Slack escapes &, < and > in message text; undo that before we escape for HTML ourselves.
function unslack(s) {
  return String(s ?? "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "html") el.innerHTML = v; // only ever given output of mrkdwn()/esc()
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const EMOJI = {
  bar_chart: "📊", chart_with_upwards_trend: "📈", chart_with_downwards_trend: "📉", white_check_mark: "✅",
  heavy_check_mark: "✔️", warning: "⚠️", x: "❌", hourglass_flowing_sand: "⏳", hourglass: "⌛", sparkles: "✨",
  tada: "🎉", moneybag: "💰", star: "⭐", star2: "🌟", wave: "👋", inbox_tray: "📥", outbox_tray: "📤",
  page_facing_up: "📄", mag: "🔍", bulb: "💡", rocket: "🚀", busts_in_silhouette: "👥", bust_in_silhouette: "👤",
  calendar: "📅", date: "📅", gear: "⚙️", information_source: "ℹ️", zzz: "💤", gem: "💎", seedling: "🌱",
  crown: "👑", fire: "🔥", email: "📧", envelope: "✉️", gift: "🎁", repeat: "🔁", clipboard: "📋",
  floppy_disk: "💾", link: "🔗", arrow_right: "➡️", arrows_counterclockwise: "🔄", thinking_face: "🤔",
  sleeping: "😴", heart: "❤️", moon: "🌙", dart: "🎯", trophy: "🏆", speech_balloon: "💬", robot_face: "🤖",
  shopping_trolley: "🛒", shopping_bags: "🛍️", money_with_wings: "💸", chart: "💹", pushpin: "📌",
  new: "🆕", question: "❓", exclamation: "❗", no_entry: "⛔", lock: "🔒", clock3: "🕒", alarm_clock: "⏰",
  file_folder: "📁", open_file_folder: "📂", spiral_calendar_pad: "🗓️", wastebasket: "🗑️", eyes: "👀",
};

function emoji(s) {
  return s.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
}

function userName(id) {
  const u = state.data?.users?.[id];
  return u ? u.name : id;
}

function channelName(id) {
  const c = state.data?.channels?.find((ch) => ch.id === id);
  if (c?.is_im) return "segbot"; // the page only lists the local user's DM with the bot
  return c ? c.name : id;
}

function channelLabel(id) {
  const c = state.data?.channels?.find((ch) => ch.id === id);
  return c?.is_im ? channelName(id) : `#${channelName(id)}`;
}

function safeUrl(url) {
  const u = String(url || "").trim();
  return /^(https?:|mailto:)/i.test(u) ? u : null;
}

// A <...> token of Slack's mrkdwn: links, @user and #channel mentions, special mentions.
function linkToken(inner) {
  const [target, label] = inner.split("|", 2).map(unslack);
  if (target.startsWith("@")) return `<span class="mention">@${esc(label || userName(target.slice(1)))}</span>`;
  if (target.startsWith("#")) return `<span class="mention">#${esc(label || channelName(target.slice(1)))}</span>`;
  if (target.startsWith("!")) {
    const name = target.slice(1).split("^")[0];
    return `<span class="mention">@${esc(label || name.replace(/^subteam.*/, "team"))}</span>`;
  }
  const url = safeUrl(target);
  if (!url) return esc(`<${inner}>`);
  return `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${esc(label || target)}</a>`;
}

// mrkdwn → HTML. Code, pre and <links> are cut out first so no formatting applies inside them.
function mrkdwn(src) {
  const slots = [];
  const keep = (html) => `\u0000${slots.push(html) - 1}\u0000`;
  let s = String(src ?? "").replace(/\u0000/g, "");
  s = s.replace(/```\n?([\s\S]*?)```/g, (_, code) => keep(`<div class="pre">${esc(unslack(code))}</div>`));
  s = s.replace(/`([^`\n]+)`/g, (_, code) => keep(`<code>${esc(unslack(code))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (_, inner) => keep(linkToken(inner)));
  s = esc(emoji(unslack(s)));
  const edge = "(^|[\\s(>\\u0000\"'])";
  const end = "(?=$|[\\s.,:;!?)<\\u0000\"'])";
  s = s.replace(new RegExp(`${edge}\\*(?!\\s)([^*\\n]+?)\\*${end}`, "g"), "$1<b>$2</b>");
  s = s.replace(new RegExp(`${edge}_(?!\\s)([^_\\n]+?)_${end}`, "g"), "$1<i>$2</i>");
  s = s.replace(new RegExp(`${edge}~(?!\\s)([^~\\n]+?)~${end}`, "g"), "$1<s>$2</s>");
  s = s.replace(/^(?:-|\*) (?=\S)/gm, "• ");
  s = s.replace(/^&gt; ?(.*)$/gm, "<blockquote>$1</blockquote>");
  s = s.replace(/\n/g, "<br>").replace(/<\/blockquote><br>/g, "</blockquote>");
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => slots[Number(i)]);
}

function textObject(obj, cls = "mrkdwn") {
  if (!obj) return null;
  if (obj.type === "plain_text") return h("span", { class: cls }, emoji(obj.text ?? ""));
  return h("span", { class: cls, html: mrkdwn(obj.text) });
}

function fmtTime(ts) {
  const d = new Date(Number(String(ts).split(".")[0]) * 1000);
  return d.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
}

function fmtSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// Image URLs of this server's private files need a token the page doesn't have: use /local/files.
function imageUrl(el) {
  if (el.slack_file?.id) return `/local/files/${encodeURIComponent(el.slack_file.id)}`;
  const url = el.image_url || el.slack_file?.url || "";
  const m = /\/files-pri\/[^/-]+-([^/]+)\//.exec(url);
  if (m) return `/local/files/${encodeURIComponent(m[1])}`;
  return safeUrl(url);
}

// ---------------------------------------------------------------- Block Kit

function renderElement(el, msg) {
  switch (el.type) {
    case "button": {
      const cls = `btn ${el.style === "primary" ? "primary" : el.style === "danger" ? "danger" : ""}`;
      const url = safeUrl(el.url);
      return h("button", {
        class: cls, type: "button", "data-action-id": el.action_id,
        onclick: (ev) => {
          if (url) window.open(url, "_blank", "noopener");
          act(ev.currentTarget, msg, { action_id: el.action_id, value: el.value ?? null });
        },
      }, emoji(el.text?.text ?? "Button"));
    }
    case "static_select":
    case "external_select": {
      const options = el.options || (el.option_groups || []).flatMap((g) => g.options || []);
      const select = h("select", {
        class: "select", "data-action-id": el.action_id,
        onchange: (ev) => act(ev.currentTarget, msg, { action_id: el.action_id, selected_value: ev.currentTarget.value }),
      }, h("option", { value: "", disabled: true, selected: !el.initial_option }, el.placeholder?.text ?? "Select an item"));
      const groups = el.option_groups ? el.option_groups : [{ options }];
      for (const g of groups) {
        const parent = g.label ? h("optgroup", { label: g.label.text }) : select;
        for (const o of g.options || []) {
          parent.append(h("option", { value: o.value, selected: el.initial_option?.value === o.value }, emoji(o.text?.text ?? o.value)));
        }
        if (parent !== select) select.append(parent);
      }
      return select;
    }
    case "overflow": {
      const select = h("select", {
        class: "select", "data-action-id": el.action_id,
        onchange: (ev) => act(ev.currentTarget, msg, { action_id: el.action_id, selected_value: ev.currentTarget.value }),
      }, h("option", { value: "", selected: true, disabled: true }, "⋯"));
      for (const o of el.options || []) select.append(h("option", { value: o.value }, o.text?.text ?? o.value));
      return select;
    }
    case "image": {
      const src = imageUrl(el);
      return src ? h("img", { src, alt: el.alt_text || "" }) : null;
    }
    case "mrkdwn":
    case "plain_text":
      return textObject(el);
    default:
      return h("span", { class: "unknown-block" }, `[${el.type}]`);
  }
}

function renderBlock(b, msg) {
  switch (b.type) {
    case "header":
      return h("div", { class: "block block-header" }, emoji(b.text?.text ?? ""));
    case "divider":
      return h("hr", { class: "divider" });
    case "section": {
      const main = h("div", { class: "section-main" }, b.text ? h("div", { class: "text" }, textObject(b.text)) : null);
      if (b.fields?.length) main.append(h("div", { class: "fields" }, b.fields.map((f) => h("div", {}, textObject(f)))));
      const acc = b.accessory ? h("div", { class: "accessory" }, renderElement(b.accessory, msg)) : null;
      return h("div", { class: "block section" }, main, acc);
    }
    case "context":
      return h("div", { class: "block context" }, (b.elements || []).map((e) => renderElement(e, msg)));
    case "image": {
      const src = imageUrl(b);
      const title = b.title?.text || b.alt_text || "";
      const local = src?.startsWith("/local/files/");
      return h("div", { class: "block block-image" }, h("figure", {},
        b.title ? h("div", { class: "img-title" }, b.title.text) : null,
        src ? thumb({ src, title, alt: b.alt_text || title, download: local ? `${src}?download=1` : null }) : null));
    }
    case "actions":
      return h("div", { class: "block actions" }, (b.elements || []).map((e) => renderElement(e, msg)));
    case "rich_text":
      return h("div", { class: "block text", html: mrkdwn(richText(b)) });
    default:
      return h("div", { class: "block unknown-block" }, `[${b.type} block]`);
  }
}

// Enough of rich_text to show what a user typed in a real client.
function richText(b) {
  const inline = (els) => (els || []).map((e) => e.text ?? (e.type === "user" ? `<@${e.user_id}>` : e.url ? `<${e.url}>` : "")).join("");
  return (b.elements || []).map((sec) => inline(sec.elements)).join("\n");
}

// An image that opens in the full-size viewer (viewer.js). Width and height, when known, reserve
// its box before it loads, so the messages below it don't jump.
function thumb({ src, title, alt, download, width, height, fileId }) {
  return h("button", {
    type: "button", class: "thumb", "data-full": src, "data-title": title, "data-download": download,
    "aria-label": `Open ${title || "image"} full size`, title: title || null,
  }, h("img", { class: "file-image", src, alt: alt || "", width, height, "data-file-id": fileId }));
}

function renderFiles(files) {
  if (!files?.length) return null;
  const images = files.filter((f) => (f.mimetype || "").startsWith("image/")).length;
  return h("div", { class: `files${images > 1 ? " gallery" : ""}` }, files.map((f) => {
    if ((f.mimetype || "").startsWith("image/")) {
      const title = f.title || f.name;
      return h("figure", { class: "file-figure" }, h("figcaption", { class: "img-title" }, title),
        thumb({ src: f.local_url, title, alt: title, download: f.local_download, width: f.original_w,
          height: f.original_h, fileId: f.id }));
    }
    return h("a", { class: "file-card", href: f.local_download, download: f.name, "data-file-id": f.id },
      h("span", { class: "file-icon" }, (f.filetype || "file").slice(0, 4).toUpperCase()),
      h("span", {}, h("div", { class: "file-name" }, f.title || f.name),
        h("div", { class: "file-meta" }, `${f.pretty_type || f.filetype} · ${fmtSize(f.size || 0)} · Download`)));
  }));
}

function initials(name) {
  return String(name || "?").split(/[\s._-]+/).filter(Boolean).map((p) => p[0]).join("").slice(0, 2).toUpperCase();
}

function avatarColor(id) {
  const colors = ["#2bac76", "#1264a3", "#e8912d", "#9e3997", "#36c5f0", "#cd2553"];
  let n = 0;
  for (const c of String(id)) n = (n * 31 + c.charCodeAt(0)) % 997;
  return colors[n % colors.length];
}

function isBotMessage(m) {
  const users = state.data.users;
  return Boolean(m.bot_id) || m.ephemeral || users[m.user]?.is_bot;
}

function renderMessage(m, { inThread = false } = {}) {
  const bot = isBotMessage(m);
  const name = bot ? (m.username || "segbot") : userName(m.user);
  const avatar = bot
    ? h("div", { class: "avatar bot", "aria-hidden": "true", html: BOT_ICON })
    : h("div", { class: "avatar", style: `background:${avatarColor(m.user)}`, "aria-hidden": "true" }, initials(name));
  const body = h("div", { class: "msg-body" });
  if (m.ephemeral) body.append(h("div", { class: "only-you" }, "Only visible to you"));
  body.append(h("div", { class: "msg-head" },
    h("span", { class: "author" }, name), bot ? h("span", { class: "app-tag" }, "APP") : null,
    h("span", { class: "time", title: new Date(Number(m.ts.split(".")[0]) * 1000).toLocaleString() }, fmtTime(m.ts)),
    m.edited ? h("span", { class: "edited" }, "(edited)") : null));
  const blocks = (m.blocks || []).filter((b) => b && b.type);
  if (blocks.length) body.append(...blocks.map((b) => renderBlock(b, m)));
  else if (m.text) body.append(h("div", { class: "text", html: mrkdwn(m.text) }));
  const files = renderFiles(m.files);
  if (files) body.append(files);
  if (!inThread && m.reply_count) {
    const last = m.latest_reply ? `Last reply ${fmtTime(m.latest_reply)}` : "";
    const faces = (m.reply_users || []).slice(0, 3).map((u) => state.data.users[u]?.is_bot
      ? h("span", { class: "avatar bot mini", html: BOT_ICON })
      : h("span", { class: "avatar mini", style: `background:${avatarColor(u)}` }, initials(userName(u))));
    body.append(h("button", { class: "thread-summary", type: "button", onclick: () => openThread(m.ts) },
      faces, `${m.reply_count} ${m.reply_count === 1 ? "reply" : "replies"}`, h("span", { class: "last" }, last)));
  }
  const system = ["channel_join", "channel_name"].includes(m.subtype) ? " system" : ""; // joined, renamed
  return h("div", { class: `msg${m.ephemeral ? " ephemeral" : ""}${bot ? " from-bot" : ""}${system}`, "data-ts": m.ts }, avatar, body);
}

// ---------------------------------------------------------------- rendering the workspace

function currentMessages() {
  const d = state.data;
  if (!state.channel) return [];
  const top = (d.messages[state.channel] || []).map((m) => ({ ...m, channel: state.channel }));
  const eph = d.ephemeral.filter((e) => e.channel === state.channel && !e.thread_ts).map((e) => ({ ...e, ephemeral: true }));
  return [...top, ...eph].sort((a, b) => Number(a.ts) - Number(b.ts));
}

function render() {
  const d = state.data;
  if (!d) return;
  if (state.pendingChannel && d.channels.some((c) => c.id === state.pendingChannel)) {
    const id = state.pendingChannel; // a channel just created: open it once it is listed
    state.pendingChannel = null;
    selectChannel(id);
    return;
  }
  renderPeople();
  document.getElementById("sample-button").hidden = !d.has_sample;
  const list = document.getElementById("channel-list");
  const dm = d.channels.find((c) => c.is_im);
  if (state.app) state.channel = dm?.id ?? null; // the app's Messages tab is the DM
  const unreadIn = (c) => c.id !== state.channel && (d.messages[c.id] || []).length > (state.seenCounts[c.id] ?? 0);
  const entry = (c, icon) => h("li", { class: `${c.id === state.channel && !state.app ? "active" : ""}${unreadIn(c) ? " unread" : ""}`,
    "data-channel": channelName(c.id), onclick: () => selectChannel(c.id) }, icon, channelName(c.id));
  list.replaceChildren(...d.channels.filter((c) => !c.is_im && c.is_member)
    .map((c) => entry(c, h("span", { class: "hash" }, c.is_private ? "◆" : "#"))));
  const appUnread = dm && unreadIn(dm);
  document.getElementById("dm-list").replaceChildren(h("li", {
    class: `app-entry${state.app ? " active" : ""}${appUnread ? " unread" : ""}`, "data-channel": "segbot",
    title: "segbot: its Home tab, and the messages it sends you",
    onclick: () => openApp(appUnread ? "messages" : state.lastAppTab || "home"),
  }, h("span", { class: "presence" }), "segbot"));
  if (state.channel) state.seenCounts[state.channel] = (d.messages[state.channel] || []).length;
  const label = state.app ? "segbot" : channelLabel(state.channel);
  document.getElementById("channel-title").textContent = label.startsWith("#") ? `# ${label.slice(1)}` : label;
  document.getElementById("composer-input").placeholder = `Message ${label} — try /segment help`;
  document.getElementById("drop-target").textContent = label;
  fill(document.getElementById("messages"), currentMessages().map((m) => renderMessage(m)), emptyChannel(label));
  renderApp();
  renderThread();
  renderModal();
}

function emptyChannel(name) {
  return h("div", { class: "empty" },
    h("div", { class: "avatar bot big", html: BOT_ICON }),
    h("p", {}, h("b", {}, `This is the very beginning of ${name}.`)),
    h("p", {}, "Drop a transaction export (CSV or Excel) here, click ", h("b", {}, "Upload sample data"),
      ", or type ", h("code", {}, "/segment help"), "."));
}

function nearBottom(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
}

function toBottom(el) {
  pinned[el.id] = true;
  el.scrollTop = el.scrollHeight;
  autoTop[el.id] = el.scrollTop;
}

// Replace a list's content, keeping the reader at the bottom if they were there.
function fill(container, nodes, empty) {
  const focused = document.activeElement;
  if (focused && focused.tagName === "SELECT" && container.contains(focused)) return; // don't close an open menu
  const keep = focused && container.contains(focused) && focused.matches("button.thumb") ? thumbIndex(focused) : -1;
  container.replaceChildren(...(nodes.length ? nodes : [empty]));
  if (keep >= 0) container.querySelectorAll("button.thumb")[keep]?.focus({ preventScroll: true });
  if (pinned[container.id] || state.forceScroll) toBottom(container);
}

function thumbIndex(el) {
  return [...el.closest(".messages").querySelectorAll("button.thumb")].indexOf(el);
}

// Only the reader's scrolling unpins a list: the scroll event of toBottom arrives a frame later,
// when content that grew meanwhile would make it look as if the reader had scrolled up.
function watchScroll(el) {
  el.addEventListener("scroll", () => {
    if (el.scrollTop !== autoTop[el.id]) pinned[el.id] = nearBottom(el);
  }, { passive: true });
  const stick = () => { if (pinned[el.id]) toBottom(el); };
  el.addEventListener("load", stick, true); // load does not bubble: capture it for every image
  new ResizeObserver(stick).observe(el);
}

function renderThread() {
  const pane = document.getElementById("thread-pane");
  const parent = state.thread && (state.data.messages[state.thread.channel] || []).find((m) => m.ts === state.thread.ts);
  if (!parent) state.thread = null;
  pane.hidden = !parent;
  document.body.classList.toggle("thread-open", Boolean(parent)); // narrow screens show one pane
  if (!parent) return;
  document.getElementById("thread-channel").textContent = channelLabel(state.thread.channel);
  const replies = (parent.replies || []).map((m) => ({ ...m }));
  const eph = state.data.ephemeral.filter((e) => e.channel === state.thread.channel && e.thread_ts === parent.ts)
    .map((e) => ({ ...e, ephemeral: true }));
  const all = [...replies, ...eph].sort((a, b) => Number(a.ts) - Number(b.ts));
  const count = h("div", { class: "reply-count" }, `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`);
  fill(document.getElementById("thread-messages"),
    [renderMessage(parent, { inThread: true }), count, ...all.map((m) => renderMessage(m, { inThread: true }))], null);
}

function selectChannel(id) {
  state.app = null;
  state.channel = id;
  state.thread = null;
  document.body.classList.remove("sidebar-open");
  history.replaceState(null, "", `#${encodeURIComponent(channelName(id))}`);
  state.forceScroll = true;
  render();
  state.forceScroll = false;
}

function openThread(ts) {
  state.thread = { channel: state.channel, ts };
  state.forceScroll = true; // a thread opens at its latest reply, as in Slack
  renderThread();
  state.forceScroll = false;
  document.getElementById("thread-input").focus({ preventScroll: true });
}

function closeThread() {
  const ts = state.thread?.ts;
  state.thread = null;
  renderThread();
  document.querySelector(`#messages .msg[data-ts="${CSS.escape(ts || "")}"] .thread-summary`)?.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- talking to the local Slack

// Every request says which of the local people the page plays (?as=U…), unless the first.
function withUser(path) {
  if (!state.me || state.me === state.firstPerson) return path;
  return `${path}${path.includes("?") ? "&" : "?"}as=${encodeURIComponent(state.me)}`;
}

async function post(path, body, headers = { "Content-Type": "application/json" }) {
  const r = await fetch(withUser(path), { method: "POST", headers, body });
  let data = {};
  try { data = await r.json(); } catch { data = { ok: false, error: `HTTP ${r.status}` }; }
  if (!r.ok || !data.ok) throw new Error(data.error || `HTTP ${r.status}`);
  return data;
}

const statusTimers = {};

// A note beside the Send button; notes that aren't errors fade after a few seconds.
function setStatus(id, text, isError = false) {
  const el = document.getElementById(id);
  el.textContent = text;
  el.classList.toggle("error", isError);
  clearTimeout(statusTimers[id]);
  if (text && !isError) statusTimers[id] = setTimeout(() => setStatus(id, ""), 4000);
}

async function act(el, msg, action) {
  el.disabled = true;
  el.blur(); // a focused select pauses re-rendering (see fill); the bot's answer must show
  try {
    if (msg.surface) await post("/local/view_action", JSON.stringify({ surface: msg.surface, view_id: msg.view_id, ...action }));
    else await post("/local/action", JSON.stringify({ channel: msg.channel || state.channel, message_ts: msg.ts, ...action }));
  } catch (e) {
    setStatus("composer-status", `The app didn't respond: ${e.message}`, true);
  } finally {
    setTimeout(() => { el.disabled = false; }, 600);
  }
}

async function sendText(input, statusId, threadTs) {
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  autosize(input);
  const isCommand = text.startsWith("/");
  setStatus(statusId, isCommand ? `Sending ${text.split(" ")[0]}…` : ""); // an old note or error goes
  try {
    await post("/local/message", JSON.stringify({ channel: state.channel, text, thread_ts: isCommand ? null : threadTs }));
    setStatus(statusId, "");
    toBottom(document.getElementById(threadTs ? "thread-messages" : "messages")); // the sender sees their message
  } catch (e) {
    input.value = text;
    setStatus(statusId, e.message, true);
  }
}

async function uploadFile(file, statusId, threadTs) {
  if (!file) return;
  setStatus(statusId, `Uploading ${file.name}…`);
  const q = new URLSearchParams({ channel: state.channel, name: file.name });
  if (threadTs) q.set("thread_ts", threadTs);
  try {
    await post(`/local/upload?${q}`, file, { "Content-Type": "application/octet-stream" });
    setStatus(statusId, `Uploaded ${file.name}`);
  } catch (e) {
    setStatus(statusId, `Upload failed: ${e.message}`, true);
  }
}

async function uploadSample(button) {
  button.disabled = true;
  setStatus("composer-status", "Making a sample export…");
  try {
    await post("/local/sample", JSON.stringify({ channel: state.channel }));
    setStatus("composer-status", "Uploaded the sample export");
  } catch (e) {
    setStatus("composer-status", `Sample failed: ${e.message}`, true);
  } finally {
    button.disabled = false;
  }
}

async function poll() {
  for (;;) {
    try {
      state.poller = new AbortController();
      const r = await fetch(withUser(`/local/state?since=${state.rev}`), { cache: "no-store", signal: state.poller.signal });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const data = await r.json();
      if (state.me && data.me !== state.me) continue; // switched to another person meanwhile
      const first = !state.data;
      state.data = data;
      state.rev = data.revision;
      if (first) {
        const wanted = decodeURIComponent(location.hash.slice(1));
        const mine = data.channels.filter((c) => c.is_member && !c.is_im);
        const pick = mine.find((c) => c.name === wanted) || mine.find((c) => c.name === "general") || mine[0];
        state.me = data.me;
        state.firstPerson = state.firstPerson ?? data.people[0];
        state.channel = pick?.id ?? null;
        if (wanted.startsWith("app-")) openApp(wanted === "app-messages" ? "messages" : "home");
        for (const c of data.channels) state.seenCounts[c.id] = (data.messages[c.id] || []).length;
        state.forceScroll = true;
      }
      render();
      state.forceScroll = false;
    } catch (e) {
      if (e.name === "AbortError") continue; // the page switched to another person
      console.error("segbot page: state update failed", e);
      await new Promise((res) => setTimeout(res, 1500)); // the server restarted or is busy: retry
    }
  }
}

// ---------------------------------------------------------------- wiring

function autosize(t) {
  t.style.height = "auto";
  t.style.height = `${Math.min(t.scrollHeight, 200)}px`;
}

function wireComposer(formId, inputId, fileId, statusId, threadTs) {
  const form = document.getElementById(formId);
  const input = document.getElementById(inputId);
  form.addEventListener("submit", (ev) => { ev.preventDefault(); sendText(input, statusId, threadTs()); });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener("input", () => autosize(input));
  const picker = document.getElementById(fileId);
  picker.addEventListener("change", () => { uploadFile(picker.files[0], statusId, threadTs()); picker.value = ""; });
}

function wireDrop() {
  const pane = document.getElementById("channel-pane");
  const overlay = document.getElementById("drop-overlay");
  let depth = 0;
  pane.addEventListener("dragenter", (ev) => { ev.preventDefault(); depth += 1; overlay.hidden = false; });
  pane.addEventListener("dragover", (ev) => ev.preventDefault());
  pane.addEventListener("dragleave", () => { depth = Math.max(0, depth - 1); if (!depth) overlay.hidden = true; });
  pane.addEventListener("drop", (ev) => {
    ev.preventDefault();
    depth = 0;
    overlay.hidden = true;
    for (const f of ev.dataTransfer?.files || []) uploadFile(f, "composer-status", null);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  if (!["127.0.0.1", "localhost", "[::1]"].includes(location.hostname)) {
    document.querySelector(".local-badge").textContent = `served on ${location.host}`;
  }
  wireComposer("composer", "composer-input", "file-input", "composer-status", () => null);
  wireComposer("thread-composer", "thread-input", "thread-file-input", "thread-status", () => state.thread?.ts);
  document.getElementById("sample-button").addEventListener("click", (ev) => uploadSample(ev.currentTarget));
  document.getElementById("thread-close").addEventListener("click", closeThread);
  document.getElementById("thread-back").addEventListener("click", closeThread);
  document.getElementById("sidebar-toggle").addEventListener("click", () => document.body.classList.toggle("sidebar-open"));
  watchScroll(document.getElementById("messages"));
  watchScroll(document.getElementById("thread-messages"));
  wireDrop();
  wireSurfaces();
  poll();
});

window.segbotPage = { mrkdwn, esc }; // for tests of the renderer
