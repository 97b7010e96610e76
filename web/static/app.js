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
