/* The phone menu: under 768 px the header's menu folds behind one button. Without this script the
 * button is a link to #site-menu and CSS's :target opens it; with it the link becomes a toggle
 * button (aria-expanded) that Escape closes, and focus goes back to it. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function setUp() {
    var button = document.querySelector("[data-menu-button]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    button.setAttribute("role", "button");

    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    function toggle(event) {
      event.preventDefault();
      show(button.getAttribute("aria-expanded") !== "true");
    }

    button.addEventListener("click", toggle);
    button.addEventListener("keydown", function (event) {
      if (event.key === " " || event.key === "Spacebar") { toggle(event); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
