// The console's few behaviours, here rather than inline: the Content-Security-Policy runs no inline script
// (api/security_headers.py).
document.addEventListener("DOMContentLoaded", function () {
  // the menu button on a phone opens and closes the navigation
  var toggle = document.getElementById("menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = document.getElementById("top").classList.toggle("open");
      toggle.setAttribute("aria-expanded", open);
    });
  }
  // the command centre: picking a version fills in the day it takes effect (the only day the service accepts)
  var version = document.getElementById("version");
  var effective = document.getElementById("effective_on");
  if (version && effective) {
    version.addEventListener("change", function () {
      effective.value = version.selectedOptions[0].dataset.effective;
    });
  }
  // a form that changes much asks first (data-question: the question, in the page's language)
  document.querySelectorAll("form[data-question]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.question)) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // the dashboard's bars: their length set through the CSSOM, which the policy allows (a style attribute it does not)
  document.querySelectorAll("[data-share]").forEach(function (bar) {
    bar.style.width = bar.dataset.share + "%";
  });
});
