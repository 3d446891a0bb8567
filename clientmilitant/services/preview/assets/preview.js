// cm preview: follow the server's events. A saved chapter replaces its section in place (the page
// keeps its scroll position); a change of outline.yaml or feedback.yaml reloads the page.
(function () {
  "use strict";
  var since = document.body.getAttribute("data-version") || "0";
  var source = new EventSource("/_cm/events?since=" + encodeURIComponent(since));
  var lost = false;

  function replaceSection(id) {
    var selector = '[data-section="' + CSS.escape(id) + '"]';
    var old = document.querySelector(selector);
    if (!old) { location.reload(); return; }
    fetch("/_cm/section/" + encodeURIComponent(id), { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html;
        var fresh = holder.content.firstElementChild;
        var current = document.querySelector(selector);
        if (fresh && current) { current.replaceWith(fresh); }
        document.documentElement.setAttribute("data-cm-updated", id);
      })
      .catch(function () { location.reload(); });
  }

  source.addEventListener("section", function (event) { replaceSection(JSON.parse(event.data).id); });
  source.addEventListener("page", function () { location.reload(); });
  source.addEventListener("error", function () { lost = true; });
  source.addEventListener("open", function () { if (lost) { location.reload(); } });
})();
