// Small progressive touches; every page works without this file.
(function () {
  "use strict";
  // A form is sent once: its buttons are disabled while the next page loads.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Outcome buttons put their name into the hidden field (the form then posts one outcome).
  document.querySelectorAll("[data-fill-opinion]").forEach(function (button) {
    button.addEventListener("click", function () {
      var area = document.getElementById("opinion");
      if (area && !area.value.trim()) { area.value = button.getAttribute("data-fill-opinion"); }
    });
  });
  // The workflow diagram scrolls inside its box on a phone: start with the current state (or
  // the first one) in view.
  document.querySelectorAll(".diagram-wrap[data-focus]").forEach(function (box) {
    var node = document.getElementById("state-" + box.getAttribute("data-focus"));
    if (!node || box.scrollWidth <= box.clientWidth) { return; }
    var at = node.getBoundingClientRect(), frame = box.getBoundingClientRect();
    box.scrollLeft += at.left - frame.left - (box.clientWidth - at.width) / 2;
    box.scrollTop += at.top - frame.top - (box.clientHeight - at.height) / 2;
  });
  // "Select all on this page" ticks every row box of its form.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      // form.elements also holds the boxes tied to the form by their form="…" attribute.
      Array.prototype.forEach.call(box.form.elements, function (b) {
        if (b.name === "ids") { b.checked = box.checked; }
      });
    });
  });
})();
