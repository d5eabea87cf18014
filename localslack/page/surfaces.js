// Views and channels in the local Slack page: segbot's Home tab, modals the app opens, the
// dialogs that create, rename and join channels, and switching between the local people.
// Loaded after app.js: it uses its helpers (h, esc, emoji, renderBlock, post, state, render).
"use strict";

const REQUIRED = "Please complete this required field.";
const NAME_HINT = "Names must be lowercase, without spaces or periods, and can't be longer than 80 characters.";
let modalKey = null; // id + hash of the modal on screen: a poll re-renders it only when it changed

// ---------------------------------------------------------------- the App Home

function openApp(tab) {
  if (!state.data) return; // switching people: nothing to open until their workspace arrives
  state.app = tab;
  state.lastAppTab = tab;
  state.thread = null;
  const dm = state.data.channels.find((c) => c.is_im);
  state.channel = dm?.id ?? null;
  document.body.classList.remove("sidebar-open");
  history.replaceState(null, "", `#app-${tab}`);
  render();
  // Slack sends app_home_opened each time a tab is opened; the app publishes the Home then.
  post("/local/home", JSON.stringify({ tab })).catch((e) => setStatus("composer-status", e.message, true));
}

function renderApp() {
  const onApp = Boolean(state.app);
  document.body.classList.toggle("on-app", onApp);
  document.getElementById("app-tabs").hidden = !onApp;
  document.getElementById("channel-tools").hidden = onApp || !state.channel;
  const home = document.getElementById("home");
  home.hidden = state.app !== "home";
  document.getElementById("messages").hidden = state.app === "home";
  document.getElementById("composer").hidden = state.app === "home";
  for (const b of document.querySelectorAll("#app-tabs button")) b.classList.toggle("active", b.dataset.tab === state.app);
  if (state.app !== "home") return;
  const view = state.data.home;
  const key = view ? `${view.id}:${view.hash}` : "none";
  if (home.dataset.key === key) return;
  home.dataset.key = key;
  const where = { surface: "home", view_id: view?.id };
  home.replaceChildren(view
    ? h("div", { class: "home-view" }, (view.blocks || []).map((b) => renderBlock(b, where)))
    : h("div", { class: "empty" }, "Opening segbot's Home…"));
}

// ---------------------------------------------------------------- modals

function renderModal() {
  const open = state.data.modal;
  const layer = document.getElementById("modal-layer");
  if (!open) {
    modalKey = null;
    layer.hidden = true;
    layer.replaceChildren();
    return;
  }
  const view = open.view;
  const key = `${view.id}:${view.hash}`;
  if (key !== modalKey) {
    modalKey = key;
    layer.replaceChildren(buildModal(view, open.depth));
    layer.hidden = false;
    layer.querySelector("input, select, textarea, button.primary")?.focus();
  }
  showErrors(layer, open.errors || {});
}

function buildModal(view, depth) {
  const where = { surface: "modal", view_id: view.id };
  const body = h("div", { class: "modal-body" }, (view.blocks || []).map((b) => b.type === "input" ? inputBlock(b) : renderBlock(b, where)));
  const close = (all) => closeModal(view.id, all);
  const submit = view.submit
    ? h("button", { type: "submit", class: "btn primary", "data-role": "submit" }, emoji(view.submit.text))
    : null;
  const form = h("form", { class: "modal", role: "dialog", "aria-modal": "true", "aria-labelledby": "modal-title", novalidate: true,
    onsubmit: (ev) => { ev.preventDefault(); submitModal(form, view); },
    onkeydown: (ev) => { if (ev.key === "Escape") { ev.preventDefault(); close(true); } } },
  h("header", { class: "modal-head" },
    h("h2", { id: "modal-title", class: "modal-title" }, emoji(view.title?.text ?? "")),
    h("button", { type: "button", class: "icon-button modal-x", "aria-label": "Close", title: "Close", onclick: () => close(true) }, "✕")),
  body,
  h("footer", { class: "modal-foot" },
    h("div", { class: "modal-status", role: "alert" }),
    h("button", { type: "button", class: "btn", "data-role": "close", onclick: () => close(depth > 1 ? false : true) },
      emoji(view.close?.text ?? (depth > 1 ? "Back" : "Cancel"))),
    submit));
  return form;
}

function inputBlock(b) {
  const el = b.element || {};
  const id = `in-${b.block_id}`;
  let control;
  if (el.type === "static_select" || el.type === "external_select") {
    const options = el.options || (el.option_groups || []).flatMap((g) => g.options || []);
    control = h("select", { id, class: "select field" },
      h("option", { value: "", selected: !el.initial_option }, el.placeholder?.text ?? "Select an option"),
      options.map((o) => h("option", { value: o.value, selected: el.initial_option?.value === o.value }, emoji(o.text?.text ?? o.value))));
  } else if (el.type === "timepicker") {
    // Typed as HH:MM, as in Slack's time field; what is typed is what the app receives.
    control = h("input", { id, class: "field time-field", type: "text", inputmode: "numeric", placeholder: "HH:MM",
      value: el.initial_time ?? "", autocomplete: "off" });
  } else if (el.type === "datepicker") {
    control = h("input", { id, class: "field", type: "date", value: el.initial_date ?? "" });
  } else if (el.multiline) {
    control = h("textarea", { id, class: "field", rows: 4, placeholder: el.placeholder?.text }, el.initial_value ?? "");
  } else {
    control = h("input", { id, class: "field", type: "text", value: el.initial_value ?? "", placeholder: el.placeholder?.text });
  }
  control.dataset.actionId = el.action_id;
  return h("div", { class: "block input-block", "data-block-id": b.block_id },
    h("label", { for: id, class: "input-label" }, emoji(b.label?.text ?? ""), b.optional ? h("span", { class: "optional" }, " (optional)") : null),
    control,
    b.hint ? h("div", { class: "input-hint" }, emoji(b.hint.text)) : null,
    h("div", { class: "input-error", role: "alert" }));
}

function showErrors(root, errors) {
  for (const block of root.querySelectorAll(".input-block")) {
    const message = errors[block.dataset.blockId] || "";
    block.classList.toggle("has-error", Boolean(message));
    block.querySelector(".input-error").textContent = message;
  }
}

async function submitModal(form, view) {
  const button = form.querySelector("[data-role=submit]");
  if (!button || button.disabled) return; // a second click while the first is on its way
  const values = {};
  const missing = {};
  for (const block of form.querySelectorAll(".input-block")) {
    const field = block.querySelector("[data-action-id]");
    const spec = view.blocks.find((b) => b.block_id === block.dataset.blockId);
    values[field.dataset.actionId] = field.value.trim();
    if (!field.value.trim() && !spec?.optional) missing[block.dataset.blockId] = REQUIRED;
  }
  const status = form.querySelector(".modal-status");
  status.textContent = "";
  if (Object.keys(missing).length) { showErrors(form, missing); return; } // Slack's client stops here
  button.disabled = true;
  try {
    const answer = await post("/local/view_submit", JSON.stringify({ view_id: view.id, values }));
    showErrors(form, answer.errors || {});
  } catch (e) {
    if (!/view_not_open/.test(e.message)) status.textContent = e.message;
  } finally {
    button.disabled = false;
  }
}

async function closeModal(viewId, all) {
  try {
    await post("/local/view_close", JSON.stringify({ view_id: viewId, all }));
  } catch (e) {
    if (!/view_not_open/.test(e.message)) setStatus("composer-status", e.message, true);
  }
}

// ---------------------------------------------------------------- channels and people

function channelDialog(channel) {
  const renaming = Boolean(channel);
  const input = h("input", { class: "field", id: "channel-name", type: "text", value: channel?.name ?? "", autocomplete: "off",
    "aria-describedby": "channel-name-hint" });
  const left = h("span", { class: "name-left" });
  const error = h("div", { class: "input-error", role: "alert" });
  const count = () => { left.textContent = String(80 - [...input.value].length); };
  // Slack's dialog writes names its way as you type: lowercase, a hyphen for each space.
  input.addEventListener("input", () => { input.value = input.value.toLowerCase().replace(/\s/g, "-"); count(); error.textContent = ""; });
  count();
  const form = h("form", { class: "modal small", onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      const body = renaming ? { channel: channel.id, name: input.value } : { name: input.value };
      const made = await post("/local/channel", JSON.stringify(body));
      closeDialog();
      state.pendingChannel = made.channel;
    } catch (e) { error.textContent = e.message; input.focus(); }
  } },
  h("header", { class: "modal-head" }, h("h2", { class: "modal-title" }, renaming ? "Rename this channel" : "Create a channel"),
    h("button", { type: "button", class: "icon-button modal-x", "aria-label": "Close", onclick: closeDialog }, "✕")),
  h("div", { class: "modal-body" }, h("div", { class: "input-block" },
    h("label", { for: "channel-name", class: "input-label" }, "Name"),
    h("div", { class: "name-field" }, h("span", { class: "hash" }, "#"), input, left),
    h("div", { class: "input-hint", id: "channel-name-hint" }, NAME_HINT), error)),
  h("footer", { class: "modal-foot" }, h("div", { class: "modal-status" }),
    h("button", { type: "button", class: "btn", onclick: closeDialog }, "Cancel"),
    h("button", { type: "submit", class: "btn primary" }, renaming ? "Save changes" : "Create")));
  openDialog(form);
  input.focus();
}

function inviteDialog(channel) {
  const d = state.data;
  const status = h("div", { class: "modal-status", role: "alert" });
  const everyone = [...d.people.filter((id) => id !== d.me), d.bot_user_id];
  const row = (id) => {
    const member = channel.members.includes(id);
    return h("li", { class: "invite-row" }, h("span", {}, userName(id), d.users[id]?.is_bot ? " (app)" : ""),
      h("button", { type: "button", class: "btn", disabled: member, onclick: async () => {
        try { await post("/local/invite", JSON.stringify({ channel: channel.id, user: id })); closeDialog(); }
        catch (e) { status.textContent = e.message; }
      } }, member ? "In this channel" : "Add"));
  };
  openDialog(h("div", { class: "modal small", role: "dialog", "aria-modal": "true" },
    h("header", { class: "modal-head" }, h("h2", { class: "modal-title" }, `Add people to #${channel.name}`),
      h("button", { type: "button", class: "icon-button modal-x", "aria-label": "Close", onclick: closeDialog }, "✕")),
    h("div", { class: "modal-body" }, h("ul", { class: "invite-list" }, everyone.map(row)),
      h("div", { class: "input-hint" }, "Or type /invite @segbot in the channel.")),
    h("footer", { class: "modal-foot" }, status, h("button", { type: "button", class: "btn", onclick: closeDialog }, "Done"))));
}

function openDialog(content) {
  const layer = document.getElementById("dialog-layer");
  layer.replaceChildren(content);
  layer.hidden = false;
  layer.onkeydown = (ev) => { if (ev.key === "Escape") closeDialog(); };
}

function closeDialog() {
  const layer = document.getElementById("dialog-layer");
  layer.hidden = true;
  layer.replaceChildren();
}

function switchUser(id) {
  if (id === state.me) return;
  state.me = id;
  state.data = null;
  state.rev = -1;
  state.app = null;
  state.lastAppTab = null;
  state.thread = null;
  state.channel = null;
  modalKey = null;
  document.getElementById("home").dataset.key = "";
  history.replaceState(null, "", location.pathname); // the new person starts in #general
  for (const id of ["channel-list", "dm-list", "messages", "home"]) document.getElementById(id).replaceChildren();
  state.poller?.abort(); // the long-poll for the previous user ends; poll() starts afresh
}

function renderPeople() {
  const d = state.data;
  const select = document.getElementById("me-select");
  if (document.activeElement === select) return;
  select.replaceChildren(...d.people.map((id) => h("option", { value: id, selected: id === d.me }, userName(id))));
}

function wireSurfaces() {
  document.getElementById("add-channel").addEventListener("click", () => channelDialog(null));
  document.getElementById("rename-channel").addEventListener("click", () => {
    const c = state.data.channels.find((ch) => ch.id === state.channel);
    if (c) channelDialog(c);
  });
  document.getElementById("add-people").addEventListener("click", () => {
    const c = state.data.channels.find((ch) => ch.id === state.channel);
    if (c) inviteDialog(c);
  });
  document.getElementById("me-select").addEventListener("change", (ev) => switchUser(ev.currentTarget.value));
  for (const b of document.querySelectorAll("#app-tabs button")) b.addEventListener("click", () => openApp(b.dataset.tab));
}
