/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  /* On wide screens the filter panel sits beside the results, so it starts open. */
  if (window.matchMedia && window.matchMedia("(min-width: 60em)").matches) {
    document.querySelectorAll("details.filters").forEach(function (panel) {
      panel.open = true;
    });
  }

  /* A button marked data-once cannot send its form twice (the server is idempotent too). */
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.hasAttribute("data-once")) {
        if (button.dataset.sent) {
          event.preventDefault();
        }
        button.dataset.sent = "1";
        button.setAttribute("aria-disabled", "true");
      }
    });
  });

  var eform = document.querySelector("form.eform");
  if (!eform) {
    return;
  }

  function valueOf(name) {
    var checked = eform.querySelector('[name="' + name + '"]:checked');
    if (checked) {
      return checked.value;
    }
    var field = eform.querySelector('[name="' + name + '"]');
    return field && field.type !== "radio" ? field.value : "";
  }

  /* Fields shown only under a condition: hidden while it does not hold. */
  function applyConditions() {
    eform.querySelectorAll(".conditional-field[data-show-field]").forEach(function (block) {
      var wanted = block.getAttribute("data-show-value").split(",");
      var shown = wanted.indexOf(valueOf(block.getAttribute("data-show-field"))) !== -1;
      block.hidden = !shown;
      var hint = block.querySelector(".hint");
      if (hint) {
        hint.hidden = true;
      }
    });
  }
  applyConditions();
  eform.addEventListener("change", applyConditions);

  /* Addresses: the commune list follows the province chosen. */
  eform.querySelectorAll('select[name$="__province"]').forEach(function (province) {
    var commune = eform.querySelector('[name="' + province.name.replace("__province", "__commune") + '"]');
    if (!commune) {
      return;
    }
    province.addEventListener("change", function () {
      if (!province.value) {
        return;
      }
      fetch("/don-vi/" + encodeURIComponent(province.value) + "/xa.json")
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var keep = commune.value;
          commune.innerHTML = "";
          commune.appendChild(new Option("—", ""));
          data.communes.forEach(function (pair) {
            commune.appendChild(new Option(pair[1], pair[0], false, pair[0] === keep));
          });
        })
        .catch(function () { /* without the list, "Tiếp tục" loads it */ });
    });
  });

  /* Drafts: saved on the server as the citizen types, and in the browser while offline. */
  var url = eform.getAttribute("data-autosave");
  var key = "motcua-draft:" + url;
  var note = document.createElement("p");
  note.className = "hint autosave-note";
  note.setAttribute("role", "status");
  eform.insertBefore(note, eform.firstChild);

  function fields() {
    var data = {};
    new FormData(eform).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken" && name !== "action") {
        data[name] = value;
      }
    });
    return data;
  }

  try {
    var kept = JSON.parse(window.localStorage.getItem(key) || "null");
    if (kept) {
      Object.keys(kept).forEach(function (name) {
        var field = eform.querySelector('[name="' + name + '"]');
        if (field && field.type !== "radio" && field.type !== "checkbox" && field.type !== "file" && !field.value) {
          field.value = kept[name];
        }
      });
      note.textContent = "Đã khôi phục nội dung bạn nhập khi mất kết nối.";
    }
  } catch (ignored) { /* private browsing: no local copy */ }

  var timer = null;
  function save() {
    var body = new FormData();
    var data = fields();
    Object.keys(data).forEach(function (name) { body.append(name, data[name]); });
    body.append("action", "autosave");
    body.append("csrfmiddlewaretoken", eform.querySelector('[name="csrfmiddlewaretoken"]').value);
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 204) {
          window.localStorage.removeItem(key);
          note.textContent = "Đã lưu bản nháp lúc " + new Date().toLocaleTimeString("vi-VN") + ".";
        } else {
          throw new Error(String(response.status));
        }
      })
      .catch(function () {
        try { window.localStorage.setItem(key, JSON.stringify(data)); } catch (ignored) {}
        note.textContent = "Mất kết nối: nội dung được giữ trên máy này và sẽ lưu khi có mạng.";
      });
  }
  eform.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1500);
  });
  eform.addEventListener("submit", function () {
    window.localStorage.removeItem(key);
  });
})();
