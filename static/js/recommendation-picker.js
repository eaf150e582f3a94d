// The action form's recommendations, made quicker to use where scripts run: a filter box that shows only the
// recommendations whose reference or wording holds every word typed, and a primary choice narrowed to those
// ticked. Without it the form works the same (find-in-page searches the wording; the server checks the primary).
(function () {
  "use strict";
  var picker = document.querySelector("[data-recommendation-picker]");
  if (!picker) {
    return;
  }
  var filter = picker.querySelector("[data-rec-filter]");
  var input = filter.querySelector("input");
  var count = filter.querySelector("[role=status]");
  var choices = Array.prototype.slice.call(picker.querySelectorAll(".rec-choice"));
  var primary = picker.querySelector("select[name=primary]");

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  choices.forEach(function (choice) {
    var report = choice.closest(".rec-report").querySelector("legend").textContent;
    choice.setAttribute("data-search", (report + " " + choice.textContent).toLowerCase());
  });

  function applyFilter() {
    var wanted = words(input.value);
    var shown = 0;
    choices.forEach(function (choice) {
      var text = choice.getAttribute("data-search");
      var match = wanted.every(function (word) { return text.indexOf(word) !== -1; });
      choice.hidden = !match;
      shown += match ? 1 : 0;
    });
    picker.querySelectorAll(".rec-theme, .rec-report").forEach(function (group) {
      group.hidden = !group.querySelector(".rec-choice:not([hidden])");
    });
    count.textContent = wanted.length ? shown + " of " + choices.length + " recommendations shown" : "";
  }

  function narrowPrimary() {
    var ticked = {};
    picker.querySelectorAll("input[name=recommendations]").forEach(function (box) {
      ticked[box.value] = box.checked;
    });
    Array.prototype.forEach.call(primary.options, function (option) {
      if (option.value) {
        option.hidden = option.disabled = !ticked[option.value];
      }
    });
    if (primary.value && !ticked[primary.value]) {
      primary.value = "";
    }
    Array.prototype.forEach.call(primary.querySelectorAll("optgroup"), function (group) {
      group.hidden = !group.querySelector("option:not([disabled])");
    });
  }

  filter.hidden = false;
  input.addEventListener("input", applyFilter);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault(); // Enter filters; it does not save the form half-filled
    }
  });
  picker.addEventListener("change", function (event) {
    if (event.target.name === "recommendations") {
      narrowPrimary();
    }
  });
  narrowPrimary();
})();
