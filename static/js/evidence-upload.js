// Evidence uploader: sends the chosen file in chunks through /api/penalty-evidence-uploads/ and resumes
// after a dropped connection — from the offset the server reports, so a retry never sends a byte twice. The
// upload's id is kept in localStorage per case and file, so even a reloaded page goes on where it stopped.
(function () {
  "use strict";

  var form = document.getElementById("evidence-upload");
  if (!form) return;
  var api = form.dataset.api;
  var chunkSize = parseInt(form.dataset.chunk, 10) || 8 * 1024 * 1024;
  var bar = form.querySelector("progress");
  var statusLine = form.querySelector(".evidence-upload__status");
  var button = form.querySelector("button[type=submit]");
  var kindSelect = form.querySelector("select[name=kind]");
  var fileInput = form.querySelector("input[type=file]");

  function say(text) { statusLine.textContent = text; }

  function headers(extra) {
    var h = { "X-CSRFToken": form.dataset.csrf, "Accept": "application/json" };
    for (var k in extra || {}) h[k] = extra[k];
    return h;
  }

  function message(body) {
    if (!body) return "";
    if (typeof body.detail === "string") return body.detail;
    var parts = [];
    Object.keys(body).forEach(function (key) {
      var v = body[key];
      parts.push(Array.isArray(v) ? v.join(" ") : String(v));
    });
    return parts.join(" ");
  }

  function call(method, url, body, extra) {
    return fetch(url, { method: method, headers: headers(extra), body: body, credentials: "same-origin" })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
      });
  }

  function storageKey(file) {
    return "evidence-upload:" + form.dataset.case + ":" + file.name + ":" + file.size + ":" + file.lastModified;
  }

  function syncAccept() {
    var option = kindSelect.options[kindSelect.selectedIndex];
    if (option) fileInput.accept = option.dataset.accept || "";
  }
  kindSelect.addEventListener("change", syncAccept);
  syncAccept();

  function start(file) {
    var saved = localStorage.getItem(storageKey(file));
    if (saved) {
      return call("GET", api + saved + "/").then(function (r) {
        if (r.status === 200 && r.data.status === "receiving") return r.data;
        localStorage.removeItem(storageKey(file));
        return create(file);
      });
    }
    return create(file);
  }

  function create(file) {
    var payload = {
      case: parseInt(form.dataset.case, 10),
      kind: kindSelect.value,
      filename: file.name,
      size: file.size,
      title: form.elements.title.value,
      description: form.elements.description.value,
      collected_on: form.elements.collected_on.value
    };
    return call("POST", api, JSON.stringify(payload), { "Content-Type": "application/json" }).then(function (r) {
      if (r.status !== 201) throw new Error(message(r.data) || ("HTTP " + r.status));
      localStorage.setItem(storageKey(file), String(r.data.id));
      return r.data;
    });
  }

  function sendFrom(file, upload, offset) {
    bar.value = file.size ? Math.floor((offset * 100) / file.size) : 100;
    if (offset >= file.size) return finish(file, upload);
    var end = Math.min(offset + Math.min(chunkSize, upload.chunk_size || chunkSize), file.size);
    var url = api + upload.id + "/chunk/?offset=" + offset;
    return call("PUT", url, file.slice(offset, end), { "Content-Type": "application/octet-stream" }).then(function (r) {
      if (r.status === 200) return sendFrom(file, upload, r.data.received);
      if (r.status === 409 && typeof r.data.received === "number") return sendFrom(file, upload, r.data.received);
      throw new Error(message(r.data) || ("HTTP " + r.status));
    });
  }

  function finish(file, upload) {
    say(form.dataset.doneLabel);
    return call("POST", api + upload.id + "/complete/", "{}", { "Content-Type": "application/json" }).then(function (r) {
      if (r.status !== 202) throw new Error(message(r.data) || ("HTTP " + r.status));
      return poll(file, upload.id, 0);
    });
  }

  function poll(file, id, tries) {
    return call("GET", api + id + "/").then(function (r) {
      if (r.data.status === "complete") {
        localStorage.removeItem(storageKey(file));
        window.location.hash = "evidence";
        window.location.reload();
        return;
      }
      if (r.data.status === "failed") {
        localStorage.removeItem(storageKey(file));
        throw new Error(r.data.error);
      }
      if (tries > 600) throw new Error(form.dataset.failedLabel);
      return new Promise(function (resolve) { setTimeout(resolve, 2000); }).then(function () {
        return poll(file, id, tries + 1);
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = fileInput.files[0];
    if (!file) return;
    button.disabled = true;
    bar.hidden = false;
    say("");
    start(file)
      .then(function (upload) { return sendFrom(file, upload, upload.received); })
      .catch(function (error) {
        say((error && error.message ? error.message + " " : "") + form.dataset.failedLabel);
        button.textContent = form.dataset.resumeLabel;
      })
      .then(function () { button.disabled = false; });
  });
})();
