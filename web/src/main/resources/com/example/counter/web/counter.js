// The live page: the count follows /events (server-sent events, one Redis poll per server shared by
// every open page), and the button increments through web-inc (/inc, routed by the Ingress/Route).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const count = document.getElementById("count");
  const status = document.getElementById("status");
  const button = document.getElementById("increment");
  const UNAVAILABLE = "The counter is unavailable right now. This page will update by itself when it is back.";
  const RECONNECTING = "Lost touch with the counter; reconnecting…";

  // Only a change is written, so a screen reader announces (aria-live) each new count once.
  const show = (value) => {
    if (count.textContent !== String(value)) {
      count.textContent = value;
    }
  };
  const say = (message) => {
    if (status.textContent !== message) {
      status.textContent = message;
    }
  };

  const events = new EventSource("/events");
  events.addEventListener("count", (event) => {
    show(JSON.parse(event.data).count);
    say("");
  });
  events.addEventListener("unavailable", () => say(UNAVAILABLE));
  // EventSource reconnects by itself after an error; the page only says so meanwhile.
  events.addEventListener("error", () => say(RECONNECTING));

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const response = await fetch("/inc", { method: "POST", headers: { Accept: "application/json" } });
      const body = await response.json();
      if (response.ok) {
        show(body.count);
        say("");
      } else if (response.status === 503) {
        say(UNAVAILABLE);
      } else {
        // RFC 9457 problem details: show the server's own words.
        say(body.detail || body.title || ("HTTP " + response.status));
      }
    } catch (e) {
      say("The counter cannot be reached.");
    } finally {
      button.disabled = false;
    }
  });
});
