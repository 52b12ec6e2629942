/* Small progressive enhancements. Every page works without this file; with it:
   - the organisation switcher submits on change,
   - wizard questions with show_if appear and disappear as answers change,
   - the assessment page follows scoring and report rendering without a reload,
   - secret links can be copied with one click. */
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  // Exposed for any fetch that writes: Django's CSRF middleware reads this header.
  window.govFetch = function (url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" }, options.headers || {});
    return fetch(url, options);
  };

  /* Organisation switcher */
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form.querySelector(".js-hide");
    if (button) button.hidden = true;
    select.addEventListener("change", function () { select.form.submit(); });
  });

  /* Conditional questions (show_if) */
  function initWizard(form) {
    var outside = {};
    var data = document.getElementById("outside-values");
    if (data) { try { outside = JSON.parse(data.textContent) || {}; } catch (e) { outside = {}; } }
    var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
    var byKey = {};
    blocks.forEach(function (b) { byKey[b.dataset.question] = b; });

    function valueOf(key) {
      var block = byKey[key];
      // A controller on another page: its stored answer, or null when the server's show_if
      // rule hides it, so its dependents are hidden here too.
      if (!block) return outside[key];
      // A hidden question counts as unanswered: its dependents are hidden with it.
      if (block.hidden) return undefined;
      var checked = block.querySelectorAll("input:checked");
      if (block.dataset.type === "multiple_choice") {
        return Array.prototype.map.call(checked, function (i) { return i.value; });
      }
      return checked.length ? checked[0].value : undefined;
    }

    function matches(value, allowed) {
      if (value === undefined || value === null) return false;
      if (Array.isArray(value)) return value.some(function (v) { return allowed.indexOf(v) !== -1; });
      return allowed.indexOf(value) !== -1;
    }

    function setEnabled(block, enabled) {
      block.querySelectorAll("input, textarea, select, fieldset").forEach(function (el) {
        // A disabled input is not posted, so the server removes the hidden question's answer.
        el.disabled = !enabled;
      });
    }

    function apply() {
      // Document order = questionnaire order, and a controller always comes first, so one
      // pass settles chains of conditions.
      blocks.forEach(function (block) {
        var controller = block.dataset.showIf;
        if (!controller) return;
        var allowed = JSON.parse(block.dataset.showIfIn || "[]");
        var show = matches(valueOf(controller), allowed);
        if (show === !block.hidden) return;
        block.hidden = !show;
        setEnabled(block, show && !form.dataset.readonly);
      });
    }

    form.addEventListener("change", function (event) {
      var target = event.target;
      // "Don't know" and "Not applicable" stand alone in a multiple-choice answer.
      if (target.type === "checkbox" && target.checked) {
        var group = target.closest("[data-question]");
        if (group) {
          var boxes = group.querySelectorAll("input[type=checkbox]");
          boxes.forEach(function (box) {
            if (box === target) return;
            if (target.hasAttribute("data-exclusive") || box.hasAttribute("data-exclusive")) box.checked = false;
          });
        }
      }
      apply();
    });
    apply();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }
  document.querySelectorAll("form[data-wizard]").forEach(initWizard);

  /* Live status of scoring and report rendering */
  function initPolling() {
    var live = document.querySelector("[data-poll-url]");
    if (!live) return;
    var url = live.dataset.pollUrl;
    var seen = live.dataset.pollState || "";
    var announcer = document.getElementById("live-announcer");
    var stopped = false;
    var failures = 0;

    function stateOf(doc) {
      return doc.status + "|" + (doc.report ? doc.report.status : "");
    }

    function refreshPage(message) {
      stopped = true;
      fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("assessment-live");
          var current = document.getElementById("assessment-live");
          if (fresh && current) {
            current.replaceWith(fresh);
            // The flash messages described the state before; the page now shows the new one.
            document.querySelectorAll(".messages").forEach(function (m) { m.remove(); });
            if (announcer && message) announcer.textContent = message;
            initPolling();
          } else {
            window.location.reload();
          }
        })
        .catch(function () { window.location.reload(); });
    }

    function tick() {
      if (stopped) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (doc) {
          failures = 0;
          var state = stateOf(doc);
          if (state !== seen) {
            var message = doc.rating
              ? "Scoring finished. Rating: " + doc.rating + "."
              : "Status: " + doc.status_label + ".";
            if (doc.report && doc.report.status === "ready") message = "The report is ready to download.";
            refreshPage(message);
            return;
          }
          var waiting = doc.in_flight || (doc.report && (doc.report.status === "pending" || doc.report.status === "rendering"));
          if (waiting) window.setTimeout(tick, 1000);
        })
        .catch(function () {
          failures += 1;
          window.setTimeout(tick, Math.min(10000, 1000 * Math.pow(2, failures)));
        });
    }
    window.setTimeout(tick, 1000);
  }
  initPolling();

  /* Copy a secret link */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
