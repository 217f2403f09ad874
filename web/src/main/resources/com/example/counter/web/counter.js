// Increments through web-inc (/inc, routed by the Ingress/Route) and shows the count it returns.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const count = document.getElementById("count");
  const status = document.getElementById("status");
  const button = document.getElementById("increment");

  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "";
    try {
      const response = await fetch("/inc", { method: "POST", headers: { Accept: "application/json" } });
      const body = await response.json();
      if (response.ok) {
        count.textContent = body.count;
      } else {
        // RFC 9457 problem details: show the server's own words.
        status.textContent = body.detail || body.title || ("HTTP " + response.status);
      }
    } catch (e) {
      status.textContent = "The counter cannot be reached.";
    } finally {
      button.disabled = false;
    }
  });
});
