// tierwise web UI: small behaviours htmx does not cover. No network access beyond this server.
(function () {
  "use strict";

  // the lobby's amount pad types into the amount field, then lets the form post itself (htmx on change)
  function pressKey(form, amount, key) {
    var digits = amount.value.replace(/[^0-9.]/g, "");
    if (key === "back") digits = digits.slice(0, -1);
    else if (key === "clear") digits = "";
    else if (key === "wan") digits = digits ? String(Math.round(parseFloat(digits) * 10000)) : "";
    else digits = digits === "0" ? key.replace(/^0+/, "") || "0" : digits + key;
    amount.value = digits;
    amount.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".pad button[data-key]");
    if (!button) return;
    var form = button.closest("form");
    pressKey(form, form.querySelector("input[name=amount]"), button.dataset.key);
  });

  // Enter in a field of a form that previews (the policy edit) shows the preview; saving takes its own click
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    var form = event.target.closest("form[data-enter-previews]");
    if (!form) return;
    event.preventDefault();
    form.querySelector("[data-preview]").click();
  });

  // "next customer" clears the form and the decision panel
  document.addEventListener("reset", function (event) {
    var form = event.target;
    if (form.id !== "walk-in") return;
    setTimeout(function () { form.dispatchEvent(new Event("change", { bubbles: true })); }, 0);
  });
})();
