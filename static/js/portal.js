// Portal behaviour, loaded on every page (no inline scripts, so that a strict CSP holds).
document.addEventListener("submit", function (event) {
  // A double click must not send a form twice: disable its buttons once it is sent.
  var form = event.target;
  if (form.method.toLowerCase() !== "post") return;
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      b.disabled = true;
    });
  }, 0);
});

// Date fields: dd/mm/yyyy text boxes with a calendar (vendored flatpickr, Vietnamese locale).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof flatpickr === "undefined") return;
  var vietnamese = document.documentElement.lang === "vi" && flatpickr.l10ns && flatpickr.l10ns.vn;
  flatpickr(".datepicker", {
    dateFormat: "d/m/Y",
    allowInput: true,
    locale: vietnamese ? flatpickr.l10ns.vn : "default",
  });
});

// Print buttons (data-print): the print stylesheet hides menus, forms and buttons.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});

// Progress bars (data-progress="42"): the width is set here, since the CSP refuses style="".
function showProgress(root) {
  root.querySelectorAll("[data-progress]").forEach(function (bar) {
    bar.style.width = bar.getAttribute("data-progress") + "%";
  });
}
document.addEventListener("DOMContentLoaded", function () {
  showProgress(document);
});
document.addEventListener("htmx:load", function (event) {
  showProgress(event.target.parentNode || document);
});
