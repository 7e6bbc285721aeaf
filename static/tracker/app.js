/* The detail page's two AJAX buttons (names and element ids from the spec). */
"use strict";

function csrfToken() {
  const field = document.querySelector("[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

/* Builds the alert with DOM nodes, never innerHTML: messages may quote upstream text. */
function showAlert(container, kind, iconName, message, withReload) {
  const alert = document.createElement("div");
  alert.className = "alert alert-" + kind;
  alert.setAttribute("role", kind === "danger" ? "alert" : "status");
  const icon = document.createElement("i");
  icon.className = "bi bi-" + iconName;
  icon.setAttribute("aria-hidden", "true");
  alert.append(icon, " ", message);
  if (withReload) {
    const reload = document.createElement("a");
    reload.href = ".";
    reload.className = "btn btn-sm btn-primary ms-2";
    reload.textContent = "Reload Page";
    alert.append(reload);
  }
  container.replaceChildren(alert);
  container.hidden = false;
}

/* POSTs to an endpoint and resolves to its JSON, or to a {success:false,error} of our own. */
async function postForJson(url) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {"X-CSRFToken": csrfToken(), "Content-Type": "application/json", "Accept": "application/json"},
      credentials: "same-origin",
    });
  } catch (networkError) {
    return {success: false, error: "Could not reach the server. Check your connection and try again."};
  }
  try {
    const data = await response.json();
    if (typeof data === "object" && data !== null && ("success" in data)) {
      return data;
    }
  } catch (notJson) {
    /* fall through */
  }
  return {success: false, error: "The server answered unexpectedly (HTTP " + response.status + "). Please try again later."};
}

async function runButton(buttonId, resultId, busyLabel, url) {
  const button = document.getElementById(buttonId);
  const resultDiv = document.getElementById(resultId);
  const idleLabel = button.innerHTML;
  button.disabled = true;
  button.innerHTML = '<i class="bi bi-hourglass-split" aria-hidden="true"></i> ' + busyLabel;
  try {
    const data = await postForJson(url);
    if (data.success) {
      showAlert(resultDiv, "success", "check-circle", String(data.message), true);
    } else {
      showAlert(resultDiv, "danger", "exclamation-circle", String(data.error || "Something went wrong."), false);
    }
    return data;
  } finally {
    button.disabled = false;
    button.innerHTML = idleLabel;
  }
}

function refreshYtsData(dvdId) {
  return runButton("refresh-yts-btn", "yts-refresh-result", "Refreshing...", "/dvd/" + dvdId + "/refresh-yts/");
}

function fetchImdbId(dvdId) {
  return runButton("fetch-imdb-btn", "fetch-imdb-result", "Fetching...", "/dvd/" + dvdId + "/fetch-imdb/");
}

/* A DVD never looked up shows "Looking for torrents…" while a background refresh runs:
   look again twice, a few seconds apart, and swap in the torrent section when it is ready. */
async function pollPendingTorrents(attemptsLeft) {
  const section = document.getElementById("torrents-section");
  if (!section || !document.getElementById("yts-pending") || attemptsLeft <= 0) {
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  try {
    const response = await fetch(window.location.href, {credentials: "same-origin"});
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("torrents-section");
    if (response.ok && fresh && !page.getElementById("yts-pending")) {
      section.replaceChildren(...fresh.childNodes);
      return;
    }
  } catch (error) {
    /* keep the message; the next attempt or a reload will show the torrents */
  }
  return pollPendingTorrents(attemptsLeft - 1);
}

/* The spec's inline onclick handlers, moved here so the Content-Security-Policy can forbid inline script. */
function bindButton(buttonId, handler) {
  const button = document.getElementById(buttonId);
  if (button) {
    button.addEventListener("click", () => handler(button.dataset.dvdId));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  bindButton("refresh-yts-btn", refreshYtsData);
  bindButton("fetch-imdb-btn", fetchImdbId);
  pollPendingTorrents(2);
});

/* Tell the server the browser's time zone (IANA name), so times such as "Last updated" are shown
   in local time from the next page on (tracker/timezones.py reads the cookie). */
function rememberTimeZone() {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (unsupported) {
    return;
  }
  if (!/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone) || document.cookie.split("; ").includes("tz=" + zone)) {
    return;
  }
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
}

rememberTimeZone();
