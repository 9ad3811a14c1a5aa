/*
 * Inspection pages (cases): small helpers for officers on a tablet with a poor connection.
 *
 * - Forms marked data-draft keep what was typed in localStorage until the server confirms the save
 *   (the next page carries data-draft-done), so a failed submit or a dropped connection loses nothing.
 * - Submit buttons show progress and cannot be pressed twice.
 * - "Mark the rest compliant" for long check lists; a preview of the photos chosen, with a size check
 *   before minutes are spent uploading a file the server will refuse anyway.
 * Everything works without this script; it only saves effort.
 */
(function () {
  "use strict";

  var PREFIX = "cases-draft:";
  var MAX_AGE_MS = 7 * 24 * 3600 * 1000;

  function storage() {
    try {
      var s = window.localStorage;
      s.setItem(PREFIX + "probe", "1");
      s.removeItem(PREFIX + "probe");
      return s;
    } catch (e) {
      return null; // private mode or storage disabled: no drafts, nothing else changes
    }
  }

  var store = storage();

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "submit";
    });
  }

  function snapshot(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name + "=" + el.value] = el.checked;
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function apply(form, values) {
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var key = el.name + "=" + el.value;
        if (key in values) el.checked = !!values[key];
      } else if (el.name in values) {
        el.value = values[el.name];
      }
    });
  }

  function notice(form, text, discardLabel, onDiscard) {
    var box = document.createElement("div");
    box.className = "alert alert-warning cases-draft";
    box.setAttribute("role", "status");
    box.setAttribute("data-draft-notice", "");
    var span = document.createElement("span");
    span.textContent = text;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn--small";
    button.textContent = discardLabel;
    button.addEventListener("click", onDiscard);
    box.appendChild(span);
    box.appendChild(button);
    var anchor = form.querySelector("input[name=csrfmiddlewaretoken]");
    form.insertBefore(box, anchor ? anchor.nextSibling : form.firstChild);
  }

  function setUpDraft(form) {
    if (!store) return;
    var key = PREFIX + form.getAttribute("data-draft");
    if (form.hasAttribute("data-draft-restore")) {
      var saved = null;
      try {
        saved = JSON.parse(store.getItem(key) || "null");
      } catch (e) {
        saved = null;
      }
      if (saved && saved.v && Date.now() - saved.t < MAX_AGE_MS) {
        apply(form, saved.v);
        notice(form, form.getAttribute("data-msg-restored"), form.getAttribute("data-msg-discard"), function () {
          store.removeItem(key);
          window.location.reload();
        });
      } else if (saved) {
        store.removeItem(key);
      }
    }
    var timer = null;
    function save() {
      timer = null;
      try {
        store.setItem(key, JSON.stringify({ t: Date.now(), v: snapshot(form) }));
      } catch (e) {
        /* storage full: the form itself still works */
      }
    }
    function later() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, 250);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () {
      if (timer) {
        window.clearTimeout(timer);
        save();
      }
    });
  }

  function setUpSubmitGuard(form) {
    var buttons = form.querySelectorAll("button[type=submit]");
    var labels = Array.prototype.map.call(buttons, function (b) {
      return b.textContent;
    });
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      Array.prototype.forEach.call(buttons, function (b) {
        b.disabled = true;
        b.setAttribute("aria-busy", "true");
        if (form.getAttribute("data-msg-saving")) b.textContent = form.getAttribute("data-msg-saving");
      });
    });
    // Back from a failed navigation (bfcache): the buttons must work again.
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(buttons, function (b, i) {
        b.disabled = false;
        b.removeAttribute("aria-busy");
        b.textContent = labels[i];
      });
    });
  }

  function setUpAllYes(button) {
    var form = button.form || document;
    button.addEventListener("click", function () {
      var changed = false;
      Array.prototype.forEach.call(form.querySelectorAll(".cases-check"), function (row) {
        var na = row.querySelector("input[type=radio][value=na]");
        var yes = row.querySelector("input[type=radio][value=yes]");
        var any = row.querySelector("input[type=radio]:checked");
        if (yes && (!any || any === na)) {
          yes.checked = true;
          changed = true;
        }
      });
      if (changed && button.form) button.form.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function humanSize(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + "MB";
  }

  function setUpPhotoPreview(list) {
    var form = list.closest("form");
    var input = form && form.querySelector("input[type=file]");
    if (!input) return;
    var max = parseInt(list.getAttribute("data-max-bytes"), 10) || 0;
    var urls = [];
    function tooBig() {
      return Array.prototype.filter.call(input.files || [], function (f) {
        return max && f.size > max;
      });
    }
    var count = form.querySelector("[data-photo-count]");
    input.addEventListener("change", function () {
      var n = (input.files || []).length;
      if (count) {
        count.textContent = n
          ? count.getAttribute("data-msg-chosen").replace("%(n)s", String(n))
          : count.getAttribute("data-msg-none");
      }
      urls.forEach(function (u) {
        URL.revokeObjectURL(u);
      });
      urls = [];
      list.textContent = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        var li = document.createElement("li");
        if (/^image\/(jpeg|png|webp|gif)$/.test(file.type)) {
          var img = document.createElement("img");
          var url = URL.createObjectURL(file);
          urls.push(url);
          img.src = url;
          img.alt = "";
          img.className = "cases-photo";
          li.appendChild(img);
        }
        var caption = document.createElement("span");
        caption.textContent = file.name + " · " + humanSize(file.size);
        li.appendChild(caption);
        if (max && file.size > max) li.className = "is-too-big";
        list.appendChild(li);
      });
    });
    // Registered before the submit guard, so a refused submit leaves the button enabled.
    form.addEventListener("submit", function (event) {
      var big = tooBig();
      if (!big.length) return;
      event.preventDefault();
      var old = form.querySelector("[data-photo-error]");
      if (old) old.remove();
      var box = document.createElement("p");
      box.className = "alert alert-error";
      box.setAttribute("role", "alert");
      box.setAttribute("data-photo-error", "");
      box.textContent =
        list.getAttribute("data-msg-too-big") +
        big
          .map(function (f) {
            return f.name + "（" + humanSize(f.size) + "）";
          })
          .join("、");
      list.parentNode.insertBefore(box, list);
      box.scrollIntoView({ block: "center" });
    });
  }

  function init() {
    if (store) {
      Array.prototype.forEach.call(document.querySelectorAll("[data-draft-done]"), function (el) {
        store.removeItem(PREFIX + el.getAttribute("data-draft-done"));
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-photo-preview]"), setUpPhotoPreview);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
      setUpDraft(form);
      setUpSubmitGuard(form);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-all-yes]"), setUpAllYes);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
