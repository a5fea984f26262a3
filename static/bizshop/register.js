/* 일련번호 등록 by link: a code link's #code=… fills the form, and the code is kept in this
 * browser through sign-up, e-mail verification, log-in and password reset, so nobody types it
 * twice. The code never goes into a URL the browser requests: a fragment is not sent, the page
 * drops it from the address bar, and the code travels only in POST bodies and localStorage. */
(function () {
  "use strict";

  var KEY = "bizshop.pendingCode";
  // Long enough to find the verification e-mail; short, for a shared computer.
  var KEEP_MS = 60 * 60 * 1000;

  function keep(code) {
    try {
      localStorage.setItem(KEY, JSON.stringify({ code: code, savedAt: Date.now() }));
    } catch (error) { /* storage refused (private mode): the code just is not kept */ }
  }

  function kept() {
    try {
      var entry = JSON.parse(localStorage.getItem(KEY) || "null");
      if (entry && typeof entry.code === "string" && Date.now() - entry.savedAt < KEEP_MS) {
        return entry.code;
      }
      localStorage.removeItem(KEY);
    } catch (error) { /* nothing usable kept */ }
    return "";
  }

  function forget() {
    try { localStorage.removeItem(KEY); } catch (error) { /* nothing to forget */ }
  }

  function codeFromFragment() {
    if (location.hash.indexOf("#code=") !== 0) { return ""; }
    var code = "";
    try {
      code = new URLSearchParams(location.hash.slice(1)).get("code") || "";
    } catch (error) { code = ""; }
    // Out of the address bar and the history: the URL is not copied or bookmarked with the code.
    history.replaceState(history.state, "", location.pathname + location.search);
    return /^[0-9A-Za-z -]{1,64}$/.test(code) ? code.trim() : "";
  }

  function showPreview(form, field, output) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new URLSearchParams();
    body.set("code", field.value);
    fetch(form.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
      body: body
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        output.hidden = false;
        if (answer.error) {
          output.classList.add("is-refused");
          output.textContent = answer.error.message;
        } else {
          output.classList.remove("is-refused");
          output.textContent = output.dataset.template
            .replace("{title}", answer.title)
            .replace("{days}", String(answer.period_days));
        }
      })
      .catch(function () { output.hidden = true; });
  }

  function registerPage(form) {
    var field = form.querySelector("input[name=code]");
    var output = document.getElementById("code-preview");
    if (document.querySelector("[data-registered]")) {
      forget();  // registered: nothing left to carry
    }
    var linked = codeFromFragment();
    if (linked) { keep(linked); }
    var code = linked || kept();
    // A value the server put back (a refused attempt) is the one the person sees and keeps.
    if (code && !field.value) {
      field.value = code;
      if (form.dataset.previewUrl && output) { showPreview(form, field, output); }
    }
    field.addEventListener("input", function () {
      if (output) { output.hidden = true; }
      if (field.value.trim()) { keep(field.value.trim()); } else { forget(); }
    });
    form.addEventListener("submit", function () {
      if (field.value.trim()) { keep(field.value.trim()); }
    });
  }

  // Log-in without a destination: with a code kept, it goes back to the registration page.
  function loginPage(next) {
    if (!next.value && kept()) { next.value = next.dataset.registerUrl; }
  }

  var form = document.getElementById("register-form");
  if (form) { registerPage(form); }
  var next = document.querySelector("input[name=next][data-register-url]");
  if (next) { loginPage(next); }
})();
