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
//
// A typed date is read strictly, as the server reads it (config/formats): dd/mm/yyyy or
// yyyy-mm-dd, and only a day that exists. flatpickr's own parser lets JavaScript's Date roll
// an impossible day over (31/02 became 03/03), and on leaving the box it would write that
// rolled date, or nothing, in place of what was typed. Here an impossible text stays as typed,
// for the server to refuse with its message next to the field.
function strictDate(text) {
  var value = (text || "").trim();
  var match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  var day, month, year;
  if (match) {
    day = +match[1]; month = +match[2]; year = +match[3];
  } else if ((match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value))) {
    year = +match[1]; month = +match[2]; day = +match[3];
  } else {
    return undefined;
  }
  var date = new Date(year, month - 1, day);
  date.setFullYear(year); // years below 100 are not 19xx
  if (year < 1 || date.getFullYear() !== year || date.getMonth() !== month - 1 ||
      date.getDate() !== day) {
    return undefined;
  }
  return date;
}

// Leaving the box, clicking elsewhere or pressing Enter makes flatpickr set the date from the
// text: an impossible text is left as typed instead (and the calendar closes).
function keepImpossibleDates(instance) {
  var setDate = instance.setDate;
  instance.setDate = function (date) {
    if (typeof date === "string" && date.trim() !== "" && strictDate(date) === undefined) {
      instance.close();
      return;
    }
    return setDate.apply(instance, arguments);
  };
}

// The year as a list (from 100 years back to next year), so that a birth date of 1975 is two
// clicks away; flatpickr's own year box only steps one year at a time.
function addYearList(instance) {
  var box = instance.currentYearElement;
  if (!box || instance.yearList) return;
  var list = document.createElement("select");
  list.className = "flatpickr-year-list";
  list.setAttribute("aria-label", document.documentElement.lang === "vi" ? "Năm" : "Year");
  var last = new Date().getFullYear() + 1;
  for (var year = last; year >= last - 100; year--) {
    var option = document.createElement("option");
    option.value = option.textContent = year;
    list.appendChild(option);
  }
  list.addEventListener("change", function () {
    instance.changeYear(+list.value);
  });
  box.parentNode.parentNode.insertBefore(list, box.parentNode);
  box.parentNode.hidden = true;
  instance.yearList = list;
  showYear(instance);
}
function showYear(instance) {
  if (instance.yearList) instance.yearList.value = String(instance.currentYear);
}

document.addEventListener("DOMContentLoaded", function () {
  if (typeof flatpickr === "undefined") return;
  var vietnamese = document.documentElement.lang === "vi" && flatpickr.l10ns && flatpickr.l10ns.vn;
  flatpickr(".datepicker", {
    dateFormat: "d/m/Y",
    allowInput: true,
    locale: vietnamese ? flatpickr.l10ns.vn : "default",
    parseDate: strictDate,
    // The month as a short list ("Th12"): "Tháng mười hai" beside the year overflowed the popup.
    monthSelectorType: "dropdown",
    shorthandCurrentMonth: true,
    onReady: function (_dates, _text, instance) {
      keepImpossibleDates(instance);
      addYearList(instance);
    },
    onYearChange: function (_dates, _text, instance) { showYear(instance); },
    onMonthChange: function (_dates, _text, instance) { showYear(instance); },
    onOpen: function (_dates, _text, instance) { showYear(instance); },
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
