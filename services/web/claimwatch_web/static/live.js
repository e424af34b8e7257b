// Live updates without a build step: listen to /events (server-sent events) and, when the
// story shown here (or, on the stories list, any story) changed, fetch this page again and
// swap its <main>. The fetched HTML was rendered and escaped by the server like any page.
(function () {
  "use strict";
  var body = document.body;
  var story = body.getAttribute("data-live-story") || "";
  var status = document.getElementById("live-status");
  var pending = null;
  var version = 0;

  function setStatus(text, cls) {
    if (!status) return;
    status.textContent = text;
    status.className = "live-status " + (cls || "");
  }

  function refresh() {
    pending = null;
    fetch(window.location.href, { headers: { "X-Live": "1" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        var here = document.getElementById("live");
        if (!next || !here) return;
        here.replaceChildren.apply(here, Array.prototype.slice.call(next.childNodes));
        version += 1;
        body.setAttribute("data-live-version", String(version));
        setStatus("updated " + new Date().toLocaleTimeString(), "fresh");
      })
      .catch(function () { setStatus("update failed", "down"); });
  }

  function onChange(event) {
    var data = {};
    try { data = JSON.parse(event.data); } catch (e) { return; }
    var stories = data.stories || [];
    if (story && stories.indexOf(story) < 0 && stories.indexOf("*") < 0) return;
    if (pending === null) pending = window.setTimeout(refresh, 300);
  }

  if (!window.EventSource) return;
  var source = new EventSource("/events");
  source.addEventListener("hello", function () { setStatus("live", "on"); body.setAttribute("data-live-connected", "1"); });
  source.addEventListener("change", onChange);
  source.onerror = function () { setStatus("reconnecting", "down"); };
})();
