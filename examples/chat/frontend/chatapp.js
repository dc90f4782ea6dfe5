// The chat page: one WebSocket to the chat API, reconnecting on its own.
// The API's URL comes from config.js (window.CHAT_CONFIG), written when the site is published.
(function () {
  "use strict";

  const config = window.CHAT_CONFIG || {};
  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $("status"), join: $("join"), handle: $("handle"), displayName: $("display-name"),
    me: $("me"), messages: $("messages"), notice: $("notice"), composer: $("composer"),
    message: $("message"), send: $("send"),
  };
  const MAX_RETRY_MS = 10000;
  const seen = new Set();
  let socket = null;
  let retryMs = 500;
  let joined = false;                       // the server confirmed our details
  let details = JSON.parse(sessionStorage.getItem("chat.details") || "null");

  function setStatus(state, text) {
    ui.status.className = "status " + state;
    ui.status.textContent = text || state;
    const ready = state === "connected" && joined;
    ui.message.disabled = ui.send.disabled = !ready;
    ui.message.placeholder = ready ? "Say something" :
      state !== "connected" ? "Waiting for the connection…" : "Choose a handle to chat";
  }

  function notice(text) {
    ui.notice.textContent = text || "";
    ui.notice.hidden = !text;
  }

  function send(payload) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(payload));
    return true;
  }

  function render(m) {
    const key = m.userHandle + "/" + m.timestamp;
    if (seen.has(key)) return;
    seen.add(key);
    const li = document.createElement("li");
    li.className = "message" + (details && m.userHandle === details.userHandle ? " mine" : "");
    li.dataset.timestamp = m.timestamp;
    const time = document.createElement("time");
    time.dateTime = new Date(m.timestamp).toISOString();
    time.textContent = new Date(m.timestamp).toLocaleTimeString();
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = m.displayName || m.userHandle;
    const handle = document.createElement("span");
    handle.className = "handle";
    handle.textContent = "@" + m.userHandle;
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = m.message;
    li.append(time, who, handle, text);
    // Keep time order: history and live messages may arrive interleaved.
    const later = [...ui.messages.children].find((el) => Number(el.dataset.timestamp) > m.timestamp);
    ui.messages.insertBefore(li, later || null);
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  const handlers = {
    message: (m) => render(m),
    history: (m) => m.messages.forEach(render),
    details: (m) => {
      joined = true;
      details = { userHandle: m.userHandle, displayName: m.displayName };
      sessionStorage.setItem("chat.details", JSON.stringify(details));
      ui.me.textContent = "You are " + m.displayName + " (@" + m.userHandle + ")";
      ui.me.hidden = false;
      notice("");
      setStatus("connected");
      ui.message.focus();
    },
    error: (m) => notice(m.message),
  };

  function connect() {
    if (!config.webSocketUrl) {
      setStatus("disconnected", "not configured");
      notice("config.js is missing: publish the site with publish.sh (see the README).");
      return;
    }
    setStatus("connecting", "connecting…");
    socket = new WebSocket(config.webSocketUrl);
    socket.onopen = () => {
      retryMs = 500;
      setStatus("connected");
      send({ action: "getmessages" });
      if (details) send({ action: "updatedetails", ...details });
    };
    socket.onmessage = (e) => {
      let m;
      try { m = JSON.parse(e.data); } catch (_) { return; }
      (handlers[m.type] || (() => {}))(m);
    };
    socket.onclose = () => {
      joined = false;
      const seconds = Math.round(retryMs / 100) / 10;
      setStatus("disconnected", "disconnected — retrying in " + seconds + " s");
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    };
  }

  ui.join.addEventListener("submit", (e) => {
    e.preventDefault();
    details = { userHandle: ui.handle.value.trim(),
                displayName: ui.displayName.value.trim() || ui.handle.value.trim() };
    if (!send({ action: "updatedetails", ...details })) notice("Not connected yet.");
  });

  ui.composer.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = ui.message.value;
    if (!text.trim()) return;
    if (send({ action: "sendmessage", message: text })) ui.message.value = "";
  });

  if (details) {
    ui.handle.value = details.userHandle;
    ui.displayName.value = details.displayName;
  }
  connect();
})();
