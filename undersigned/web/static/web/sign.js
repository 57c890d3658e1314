// The "check your answers" step inside the signing page. With scripts on, a signer sees
// what will be public and confirms it without another page: the form is posted once,
// marked checked_in_page. Without scripts, or when the form is not complete, the server's
// own check page (web/sign_check.html) and its error messages do the same.
"use strict";
(function () {
  var form = document.querySelector("form[data-check]");
  var template = form && document.getElementById(form.getAttribute("data-check"));
  if (!template || !("content" in template)) return;

  function field(name) {
    return form.elements.namedItem(name);
  }

  // A value as the server will read it: one space between words, NFC.
  function value(name) {
    var element = field(name);
    if (!element) return "";
    if (element.type === "radio") return element.checked ? element.value : "";
    if (element.tagName === "SELECT") {
      return element.value ? element.options[element.selectedIndex].text.trim() : "";
    }
    var text = element.value || "";
    return text.normalize("NFC").replace(/\s+/g, " ").trim();
  }

  function complete() {
    var publication = value("publication");
    if (!publication || !value("region") || value("full_name").split(" ").length < 2) return false;
    if (publication === "conditional" && !value("reveal_threshold")) return false;
    if (field("captcha_1") && !value("captcha_1")) return false;
    if (value("contact") && !value("contact_kind")) return false;
    return Array.prototype.every.call(form.elements, function (element) {
      return !element.required || element.type === "radio" || value(element.name) !== "";
    });
  }

  function fill(panel) {
    var publication = value("publication");
    var threshold = value("reveal_threshold");
    panel.querySelectorAll("[data-when]").forEach(function (element) {
      var wanted = element.getAttribute("data-threshold");
      if (element.getAttribute("data-when") !== publication || (wanted && wanted !== threshold)) {
        element.remove();
      }
    });
    panel.querySelectorAll("[data-unless]").forEach(function (element) {
      if (element.getAttribute("data-unless") === publication) element.remove();
    });
    panel.querySelectorAll("[data-if]").forEach(function (element) {
      if (!value(element.getAttribute("data-if"))) element.remove();
    });
    panel.querySelectorAll("[data-slot]").forEach(function (element) {
      element.textContent = value(element.getAttribute("data-slot"));
    });
  }

  // Names in Cyrillic on a page in another language are marked, for screen readers.
  function markLanguage(panel) {
    if (document.documentElement.lang === "ru") return;
    panel.querySelectorAll("[data-slot]").forEach(function (element) {
      if (/[\u0400-\u04ff]/.test(element.textContent)) element.lang = "ru";
    });
  }

  // Errors of an earlier attempt no longer apply once the answers are complete: the
  // summary, each field's message and its marks go, and the title stops saying "Error".
  function clearErrors() {
    document.querySelectorAll(".error-summary, .step").forEach(function (box) {
      box.remove();
    });
    form.querySelectorAll("p.error").forEach(function (message) {
      var id = message.id;
      message.remove();
      if (!id) return;
      form.querySelectorAll("[aria-describedby]").forEach(function (element) {
        var rest = element.getAttribute("aria-describedby").split(/\s+/).filter(function (ref) {
          return ref && ref !== id;
        });
        if (rest.length) element.setAttribute("aria-describedby", rest.join(" "));
        else element.removeAttribute("aria-describedby");
      });
    });
    form.querySelectorAll(".has-error").forEach(function (element) {
      element.classList.remove("has-error");
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (element) {
      element.removeAttribute("aria-invalid");
    });
  }

  form.addEventListener("submit", function (event) {
    // A language button posts the form as it is, to be shown again in that language.
    if (event.submitter && event.submitter.name === "switch_language") return;
    if (!complete()) return; // the server says what is missing
    event.preventDefault();
    var panel = template.content.firstElementChild.cloneNode(true);
    fill(panel);
    markLanguage(panel);
    clearErrors();
    form.hidden = true;
    form.after(panel);
    document.title = panel.getAttribute("data-title");
    // The panel's heading at the top of the screen, not wherever the button was.
    panel.focus({ preventScroll: true });
    panel.scrollIntoView({ block: "start" });
    panel.querySelector("[data-action=sign]").addEventListener("click", function (click) {
      click.target.disabled = true; // one post
      var marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = "checked_in_page";
      marker.value = "1";
      form.appendChild(marker);
      form.submit();
    });
    panel.querySelector("[data-action=change]").addEventListener("click", function () {
      panel.remove();
      form.hidden = false;
      document.title = form.getAttribute("data-title");
      var first = form.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  });
})();
