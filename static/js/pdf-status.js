// Polls how a paper's PDF preparation stands. Ready: says so, links the file and starts its download. Rendering
// (after waiting for its turn): says so in place, never by a reload, since a reload that lands once the file is
// ready becomes its download and would leave the page saying "waiting". Failed or gone: reloads the page, which
// then gives the reason and a retry. No inline script: the page names this file.
(function () {
  "use strict";
  var element = document.querySelector("[data-pdf-status-url]");
  if (!element) {
    return;
  }
  var url = element.getAttribute("data-pdf-status-url");
  var shown = element.getAttribute("data-pdf-status");
  var delay = 2000;

  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { status: shown };
      })
      .then(function (data) {
        if (data.status === "ready") {
          var link = document.createElement("a");
          link.href = element.getAttribute("data-pdf-url");
          link.textContent = "Download the PDF";
          element.replaceChildren(document.createTextNode("The PDF is ready. "), link);
          window.location.assign(link.href);
          return;
        }
        if (data.status === "rendering" && shown === "queued") {
          var heading = element.querySelector("strong");
          if (heading) {
            heading.textContent = "The PDF is being prepared.";
          }
          shown = data.status;
          element.setAttribute("data-pdf-status", shown);
        } else if (data.status !== shown) {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.5, 15000);
        window.setTimeout(check, delay);
      })
      .catch(function () {
        window.setTimeout(check, 15000);
      });
  }

  window.setTimeout(check, delay);
})();
