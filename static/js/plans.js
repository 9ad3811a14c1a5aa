/*
 * Plan pages: small progressive enhancements. Every page works without this script; with it,
 * the enterprise picker searches as you type, removing a plan item updates the rule panel in place,
 * the new-plan title follows the chosen organisation, year and type until the user edits it, and the
 * draw form offers "add to the plan" only while a plan is chosen.
 * All user-facing text comes from the templates (data attributes), so it stays translatable.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function jsonScript(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // --- new plan: customary title -------------------------------------------------------------
  function planTitle() {
    var form = document.querySelector("[data-plan-title]");
    if (!form) return;
    var orgs = jsonScript("plan-org-names") || {};
    var types = jsonScript("plan-type-labels") || {};
    var org = form.querySelector('[data-title-source="organisation"]');
    var year = form.querySelector('[data-title-source="year"]');
    var type = form.querySelector('[data-title-source="plan_type"]');
    var title = form.querySelector("[data-title-target]");
    if (!org || !year || !type || !title) return;

    function generated() {
      var name = orgs[org.value];
      var label = types[type.value];
      if (!name || !label || !/^\d{4}$/.test(year.value)) return "";
      return form
        .getAttribute("data-plan-title")
        .replace("%(org)s", name)
        .replace("%(year)s", year.value)
        .replace("%(type)s", label);
    }
    var auto = !title.value || title.value === generated();
    title.addEventListener("input", function () {
      auto = !title.value;
    });
    [org, year, type].forEach(function (el) {
      el.addEventListener("change", function () {
        if (auto) title.value = generated();
      });
      el.addEventListener("input", function () {
        if (auto) title.value = generated();
      });
    });
  }

  // --- enterprise picker: server-side search as you type --------------------------------------
  function livePicker() {
    var form = document.querySelector("form[data-live-search]");
    if (!form) return;
    var input = form.querySelector('input[name="q"]');
    var timer = null;
    var seq = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++seq;
        var url = form.getAttribute("data-live-search") + "?partial=1&q=" + encodeURIComponent(input.value.trim());
        fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
          .then(function (r) {
            return r.ok ? r.text() : null;
          })
          .then(function (html) {
            if (html === null || mine !== seq) return; // a newer search has been sent meanwhile
            var current = document.getElementById("enterprise-results");
            if (current) current.outerHTML = html;
          })
          .catch(function () {});
      }, 250);
    });
  }

  // --- items table: remove in place, refresh the rule panel -----------------------------------
  function replaceRules(html) {
    var panel = document.getElementById("rules-panel");
    if (panel && html) panel.innerHTML = html;
  }

  function removeItems() {
    var section = document.getElementById("items");
    var holder = document.getElementById("csrf-holder");
    if (!section || !holder) return;
    var token = holder.querySelector('input[name="csrfmiddlewaretoken"]');
    section.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-remove-item]");
      if (!link) return;
      event.preventDefault();
      if (!window.confirm(link.getAttribute("data-confirm"))) return;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token.value);
      link.setAttribute("aria-disabled", "true");
      fetch(link.href, {
        method: "POST",
        body: body,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      })
        .then(function (r) {
          return r.json();
        })
        .then(function (data) {
          replaceRules(data.html);
          if (!data.removed) {
            window.alert(data.error || section.getAttribute("data-error-text"));
            link.removeAttribute("aria-disabled");
            return;
          }
          var row = link.closest("tr");
          if (row) row.remove();
          var totals = document.getElementById("plan-totals");
          var template = section.getAttribute("data-totals-template");
          if (totals && template && data.totals) {
            totals.textContent = template
              .replace("{items}", data.totals.items)
              .replace("{enterprises}", data.totals.enterprises);
          }
        })
        .catch(function () {
          window.alert(section.getAttribute("data-error-text"));
          link.removeAttribute("aria-disabled");
        });
    });
  }

  // The rule panel is refreshed when the page comes back from the browser's cache (back button
  // after editing an item elsewhere), so it never shows a stale verdict.
  function refreshRulesOnReturn() {
    var panel = document.getElementById("rules-panel");
    if (!panel) return;
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      fetch(panel.getAttribute("data-check-url"), { credentials: "same-origin" })
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .then(function (data) {
          if (data) replaceRules(data.html);
        })
        .catch(function () {});
    });
  }

  // --- draw form: "add the result to the plan" needs a plan ------------------------------------
  function drawPlanAdd() {
    var group = document.getElementById("draw-plan-add");
    if (!group) return;
    var select = document.getElementById(group.getAttribute("data-needs-plan"));
    if (!select) return;
    function sync() {
      group.hidden = !select.value;
    }
    select.addEventListener("change", sync);
    sync();
  }

  // --- buttons that ask first ------------------------------------------------------------------
  function confirmButtons() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-confirm]");
      if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  }

  ready(function () {
    planTitle();
    livePicker();
    removeItems();
    refreshRulesOnReturn();
    drawPlanAdd();
    confirmButtons();
  });
})();
