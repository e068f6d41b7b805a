/* Elderly-friendly options: larger text and high contrast, remembered in this browser. */
(function () {
  var root = document.documentElement;
  var KEY = "portal-a11y";
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function apply(state) {
    root.classList.toggle("a11y-large", !!state.large);
    root.classList.toggle("a11y-contrast", !!state.contrast);
    var buttons = document.querySelectorAll("[data-a11y]");
    for (var i = 0; i < buttons.length; i++) {
      var name = buttons[i].getAttribute("data-a11y");
      if (name !== "reset") buttons[i].setAttribute("aria-pressed", state[name] ? "true" : "false");
    }
  }
  var state = load();
  apply(state);
  document.addEventListener("DOMContentLoaded", function () {
    apply(state);
    document.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-a11y]") : null;
      if (!target) return;
      var name = target.getAttribute("data-a11y");
      state = name === "reset" ? {} : Object.assign({}, state, { [name]: !state[name] });
      try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
      apply(state);
    });
  });
})();
