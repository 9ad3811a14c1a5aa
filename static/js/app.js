/*
 * Site-wide: nothing typed is dropped without a warning. Leaving a page (a link, the back button, closing
 * the tab, or submitting another form on the same page) while a form on it holds changes that were not
 * saved asks first. The form being submitted is the exception: its changes are on their way.
 *
 * A form counts as changed when a field differs from what the page was loaded with, a file is chosen,
 * or the server sent the form back refused (it shows field errors: what it holds is not saved).
 * Only POST forms are watched; a form opts out with data-unsaved-ignore. Loaded by templates/base.html
 * as a file (no inline script), so a strict Content-Security-Policy keeps it working.
 */
(function () {
  "use strict";

  var REFUSED = ".field__error, .has-error, .errorlist, [aria-invalid='true']";
  var submitting = null;

  function watched(form) {
    return (form.getAttribute("method") || "get").toLowerCase() === "post" && !form.hasAttribute("data-unsaved-ignore");
  }

  function selectChanged(select) {
    var options = select.options;
    if (select.multiple) {
      for (var i = 0; i < options.length; i++) {
        if (options[i].selected !== options[i].defaultSelected) return true;
      }
      return false;
    }
    // Without a selected attribute a single select starts on its first option.
    var initial = 0;
    for (var j = 0; j < options.length; j++) {
      if (options[j].defaultSelected) {
        initial = j;
        break;
      }
    }
    return options.length > 0 && select.selectedIndex !== initial;
  }

  function fieldChanged(el) {
    if (!el.name || el.disabled) return false;
    var type = (el.type || "").toLowerCase();
    if (type === "hidden" || type === "submit" || type === "button" || type === "reset") return false;
    if (type === "file") return !!(el.files && el.files.length);
    if (type === "checkbox" || type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") return selectChanged(el);
    if ("defaultValue" in el) return el.value !== el.defaultValue;
    return false;
  }

  function changed(form) {
    if (form.querySelector(REFUSED)) return true;
    // form.elements includes fields outside the form that name it with form="…".
    for (var i = 0; i < form.elements.length; i++) {
      if (fieldChanged(form.elements[i])) return true;
    }
    return false;
  }

  function unsavedForms() {
    var found = [];
    for (var i = 0; i < document.forms.length; i++) {
      var form = document.forms[i];
      if (form !== submitting && watched(form) && changed(form)) found.push(form);
    }
    return found;
  }

  // Bubbling to window comes after every page script's own submit handler, so a submission another
  // script cancelled is not taken for one that is leaving.
  window.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) submitting = event.target;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!unsavedForms().length) return undefined;
    // Browsers show their own wording; both calls are needed across browsers.
    event.preventDefault();
    event.returnValue = "";
    return "";
  });

  // Back from the browser's page cache: nothing is being submitted any more.
  window.addEventListener("pageshow", function () {
    submitting = null;
  });

  // For the tests and for other scripts: which forms would make leaving ask first.
  window.enforcementUnsavedForms = unsavedForms;
})();

/*
 * Print buttons (data-print): a listener instead of an inline onclick, which the Content-Security-Policy
 * (script-src 'self') refuses.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (!button) return;
    event.preventDefault();
    window.print();
  });
})();
