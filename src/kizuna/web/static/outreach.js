// Outreach pipeline board: HTML5 drag and drop. Each drop POSTs the move (CSRF header from the meta tag);
// the server audit-logs it and stops the influencer's running sequences. No inline scripts (CSP).
(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function init(board) {
    var url = board.getAttribute("data-move-url");
    var dragged = null;
    board.querySelectorAll(".nojs-move").forEach(function (f) { f.hidden = true; });
    board.addEventListener("dragstart", function (evt) {
      var card = evt.target.closest(".board-card");
      if (!card) { return; }
      dragged = card;
      card.classList.add("dragging");
      evt.dataTransfer.effectAllowed = "move";
      evt.dataTransfer.setData("text/plain", card.getAttribute("data-entry"));
    });
    board.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dragging"); }
      dragged = null;
    });
    board.addEventListener("dragover", function (evt) {
      if (evt.target.closest(".board-col")) { evt.preventDefault(); evt.dataTransfer.dropEffect = "move"; }
    });
    board.addEventListener("drop", function (evt) {
      var col = evt.target.closest(".board-col");
      if (!col) { return; }
      evt.preventDefault();
      var entry = evt.dataTransfer.getData("text/plain");
      var card = board.querySelector('.board-card[data-entry="' + entry + '"]');
      if (!card) { return; }
      col.appendChild(card);
      var position = Array.prototype.indexOf.call(col.querySelectorAll(".board-card"), card);
      var body = new FormData();
      body.append("entry_id", entry);
      body.append("stage", col.getAttribute("data-stage"));
      body.append("position", String(position));
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf(), "X-Requested-With": "fetch" }
      }).then(function (resp) {
        if (!resp.ok) { window.location.reload(); return; }
        board.dispatchEvent(new CustomEvent("outreach:moved", { bubbles: true, detail: { entry: entry } }));
        board.querySelectorAll(".board-col").forEach(function (c) {
          var n = c.querySelector("h2 small");
          if (n) { n.textContent = String(c.querySelectorAll(".board-card").length); }
        });
      }, function () { window.location.reload(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".board[data-move-url]").forEach(init);
  });
})();
