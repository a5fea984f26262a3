// 코드 보내기 page: refresh the progress bar and counts every 3 s from the progress URL until done.
(function () {
  "use strict";
  var section = document.getElementById("delivery-progress");
  if (!section || !section.dataset.progressUrl) {
    return;
  }
  var url = section.dataset.progressUrl;
  function set(name, value) {
    var node = section.querySelector('[data-field="' + name + '"]');
    if (node) {
      node.textContent = value.toLocaleString("ko-KR");
    }
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var bar = section.querySelector("progress");
        bar.max = data.recipient_count;
        bar.value = data.counts.sent + data.counts.failed;
        set("sent", data.counts.sent);
        set("failed", data.counts.failed);
        set("waiting", data.counts.queued + data.counts.sending);
        set("registered", data.counts.registered);
        var status = section.querySelector('[data-field="status"]');
        if (status) {
          status.textContent = data.status_display;
        }
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(tick, 3000);
        }
      })
      .catch(function () { window.setTimeout(tick, 10000); });
  }
  window.setTimeout(tick, 3000);
})();
