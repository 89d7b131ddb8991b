/* The edition's JavaScript: every page works without it; this only adds conveniences.
   - permanent links (¶, turn numbers) copy the passage's full URL and offer a citation
   - the passage a URL points to is scrolled to and marked
   - footnote markers open the note beneath the passage
   - tables sort by column; a conversation can be filtered to one speaker
   - the search page starts Pagefind's UI */
(function () {
  "use strict";
  var d = document;
  d.documentElement.classList.add("js");

  function pageUrl() {
    var canonical = d.querySelector('link[rel="canonical"]');
    if (canonical && canonical.href) return canonical.href.split("#")[0];
    return location.href.split("#")[0];
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = d.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      d.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = d.execCommand("copy"); } catch (e) { ok = false; }
      d.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  /* --- the passage a URL points to ---------------------------------------------- */

  function targetElement() {
    var id = location.hash.slice(1);
    if (!id) return null;
    try { id = decodeURIComponent(id); } catch (e) { /* keep as is */ }
    var el = d.getElementById(id);
    // An id the edition retired (#n-2 before 1.0): the address moves to the id that replaced it.
    var moved = el && el.getAttribute("data-moved-to");
    if (moved && d.getElementById(moved)) {
      if (history.replaceState) { history.replaceState(null, "", "#" + moved); } else { location.hash = moved; }
      el = d.getElementById(moved);
    }
    return el;
  }

  function markTarget(scroll) {
    var marked = d.querySelectorAll(".is-target");
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove("is-target", "is-target-flash");
    var el = targetElement();
    if (!el) return;
    if (el.closest && el.closest(".conversation.is-filtered") && el.closest("[hidden], .narration, .omission")) {
      resetFilter();
    }
    var details = el.closest && el.closest("details");
    if (details) details.open = true;
    el.classList.add("is-target", "is-target-flash");
    if (scroll) el.scrollIntoView({ block: "start" });
  }

  window.addEventListener("hashchange", function () { markTarget(false); });

  /* --- toast -------------------------------------------------------------------- */

  var toastTimer = null;
  function toast(message, citation) {
    var old = d.querySelector(".toast");
    if (old) old.remove();
    var box = d.createElement("div");
    box.className = "toast";
    box.setAttribute("role", "status");
    var p = d.createElement("p");
    p.textContent = message;
    box.appendChild(p);
    if (citation) {
      var c = d.createElement("p");
      c.className = "toast-citation";
      c.textContent = citation;
      box.appendChild(c);
      var b = d.createElement("button");
      b.type = "button";
      b.textContent = "Copy citation";
      b.addEventListener("click", function () {
        copyText(citation).then(function () { b.textContent = "Citation copied"; }, function () { b.textContent = "Select the text to copy"; });
      });
      box.appendChild(b);
    }
    var close = d.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Close");
    close.textContent = "×";
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(close);
    d.body.appendChild(box);
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      if (!box.contains(d.activeElement) && !box.matches(":hover")) box.remove();
    }, 8000);
  }

  function passageCitation(id) {
    var cite = d.getElementById("cite");
    if (!cite) return "";
    var template = cite.getAttribute("data-passage-template") || "";
    if (!template) return "";
    var text = template.split("{passage}").join(id).split("{passage_name}").join(passageName(id));
    text = withAccessDate(text, cite.getAttribute("data-access-sentinel"));
    // no permanent address in the settings: the page's own, with the access date Chicago asks for
    if (!cite.getAttribute("data-page-url")) text = text + " Accessed " + today() + ". " + pageUrl() + "#" + id + ".";
    return text;
  }

  // A passage as a reader names it: sp-131 → "turn 131", fn-3 → "note 3" (render.passage_name).
  function passageName(id) {
    var names = { sp: "turn", p: "paragraph", fn: "note", en: "editorial note", gap: "omitted passage" };
    var m = /^([a-z]+)-(\d+)$/.exec(id);
    return m && names[m[1]] ? names[m[1]] + " " + m[2] : id;
  }

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];

  function today() {
    var now = new Date();
    return MONTHS[now.getMonth()] + " " + now.getDate() + ", " + now.getFullYear();
  }

  // Citations carry the access date Chicago asks for online sources: the reader's own date.
  function withAccessDate(text, sentinel) {
    return sentinel ? text.split(sentinel).join(today()) : text;
  }

  function showAccessDates() {
    var clauses = d.querySelectorAll(".access-clause");
    for (var i = 0; i < clauses.length; i++) {
      clauses[i].textContent = "Accessed " + today() + ". ";
      clauses[i].hidden = false;
    }
  }

  /* --- clicks: permanent links, footnotes ------------------------------------------ */

  d.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a") : null;
    if (!link) return;
    var href = link.getAttribute("href") || "";
    if (link.classList.contains("permalink") && href.charAt(0) === "#") {
      event.preventDefault();
      var id = href.slice(1);
      var url = pageUrl() + "#" + id;
      if (history.replaceState) { history.replaceState(null, "", "#" + id); } else { location.hash = id; }
      markTarget(false);
      var citation = passageCitation(id);
      var sample = d.getElementById("passage-citation");
      if (sample && citation) sample.textContent = citation;
      copyText(url).then(function () { toast("Link copied: " + url, citation); },
                         function () { toast("Link: " + url, citation); });
      return;
    }
    if (link.classList.contains("note-ref") && href.charAt(0) === "#") {
      event.preventDefault();
      toggleNote(link, href.slice(1));
    }
  });

  function toggleNote(ref, id) {
    var note = d.getElementById(id);
    if (!note) { location.hash = id; return; }
    var popupId = "popup-" + id;
    var existing = d.getElementById(popupId);
    if (existing) {
      existing.remove();
      ref.setAttribute("aria-expanded", "false");
      return;
    }
    var host = ref.closest("p, li, .turn-head, .dateline") || ref.parentNode;
    var popup = d.createElement("aside");
    popup.className = "note-popup";
    popup.id = popupId;
    popup.setAttribute("tabindex", "-1");
    var n = ref.textContent.trim();
    popup.setAttribute("aria-label", "Note " + n);
    var title = d.createElement("p");
    title.className = "note-popup-title";
    var toNotes = d.createElement("a");
    toNotes.href = "#" + id;
    toNotes.textContent = "Note " + n;
    title.appendChild(toNotes);
    popup.appendChild(title);
    var body = note.querySelector(".note-body");
    var content = d.createElement("div");
    content.innerHTML = body ? body.innerHTML : note.innerHTML;
    var ids = content.querySelectorAll("[id]");
    for (var i = 0; i < ids.length; i++) ids[i].removeAttribute("id");
    // the note's own permanent link is the "Note n" title; a ¶ inside the pop-up is clutter
    var links = content.querySelectorAll(".permalink");
    for (var k = 0; k < links.length; k++) links[k].remove();
    popup.appendChild(content);
    var close = d.createElement("button");
    close.type = "button";
    close.className = "note-popup-close";
    close.setAttribute("aria-label", "Close note " + n);
    close.textContent = "×";
    close.addEventListener("click", function () {
      popup.remove();
      ref.setAttribute("aria-expanded", "false");
      ref.focus();
    });
    popup.appendChild(close);
    popup.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { close.click(); }
    });
    host.insertAdjacentElement("afterend", popup);
    ref.setAttribute("aria-expanded", "true");
    ref.setAttribute("aria-controls", popupId);
    popup.focus({ preventScroll: true });
  }

  d.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      var t = d.querySelector(".toast");
      if (t) t.remove();
    }
  });

  /* --- copy buttons -------------------------------------------------------------- */

  function setupCopyButtons() {
    var buttons = d.querySelectorAll("button.copy-button[data-copy-target]");
    for (var i = 0; i < buttons.length; i++) {
      (function (button) {
        button.hidden = false;
        var label = button.textContent;
        button.addEventListener("click", function () {
          var target = d.getElementById(button.getAttribute("data-copy-target"));
          if (!target) return;
          var text = target.textContent.replace(/\s+/g, " ").trim();
          copyText(text).then(function () { button.textContent = "Copied"; }, function () { button.textContent = "Select the text to copy"; });
          setTimeout(function () { button.textContent = label; }, 2500);
        });
      })(buttons[i]);
    }
  }

  /* --- sortable tables ------------------------------------------------------------ */

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    return v !== null ? v : cell.textContent.trim();
  }

  function setupSorting() {
    var tables = d.querySelectorAll("table.sortable");
    for (var t = 0; t < tables.length; t++) {
      (function (table) {
        var heads = table.tHead ? table.tHead.rows[0].cells : [];
        for (var i = 0; i < heads.length; i++) {
          (function (th, index) {
            var button = d.createElement("button");
            button.type = "button";
            button.className = "sort";
            while (th.firstChild) button.appendChild(th.firstChild);
            th.appendChild(button);
            button.addEventListener("click", function () {
              var ascending = th.getAttribute("aria-sort") !== "ascending";
              for (var j = 0; j < heads.length; j++) heads[j].removeAttribute("aria-sort");
              th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              var numeric = th.classList.contains("num");
              var body = table.tBodies[0];
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var x = cellValue(a, index), y = cellValue(b, index), r;
                if (numeric) {
                  r = (parseFloat(x.replace(/[^0-9.\-]/g, "")) || 0) - (parseFloat(y.replace(/[^0-9.\-]/g, "")) || 0);
                } else {
                  r = x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
                }
                return ascending ? r : -r;
              });
              for (var k = 0; k < rows.length; k++) body.appendChild(rows[k]);
            });
          })(heads[i], i);
        }
      })(tables[t]);
    }
  }

  /* --- filter a conversation to one speaker ------------------------------------------ */

  function applyFilter(form, who) {
    var conversation = d.querySelector(".document .conversation");
    if (!conversation) return;
    var turns = conversation.querySelectorAll(".turn");
    var shown = 0;
    for (var i = 0; i < turns.length; i++) {
      var ids = (turns[i].getAttribute("data-who") || "").split(" ");
      var visible = !who || ids.indexOf(who) >= 0;
      turns[i].hidden = !visible;
      if (visible) shown++;
    }
    conversation.classList.toggle("is-filtered", !!who);
    var status = form.querySelector(".filter-status");
    if (status) {
      if (who) {
        var label = form.querySelector('input[value="' + who + '"]').parentNode.textContent.trim();
        status.textContent = "Showing " + shown + " of " + turns.length + " turns: " + label + ". Narration and omissions are hidden.";
      } else {
        status.textContent = "";
      }
    }
  }

  function resetFilter() {
    var form = d.getElementById("turn-filter");
    if (!form) return;
    var all = form.querySelector('input[value=""]');
    if (all) all.checked = true;
    applyFilter(form, "");
  }

  function setupFilter() {
    var form = d.getElementById("turn-filter");
    if (!form) return;
    form.hidden = false;
    form.addEventListener("change", function (e) {
      if (e.target.name === "who") applyFilter(form, e.target.value);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  /* --- search ------------------------------------------------------------------------- */

  function setupSearch() {
    var box = d.getElementById("search");
    if (!box) return;
    var unavailable = d.querySelector(".search-unavailable");
    if (location.protocol === "file:" || typeof window.PagefindUI !== "function") {
      if (unavailable) unavailable.hidden = false;
      return;
    }
    var base = new URL(".", location.href).pathname;
    // A large edition's index comes in several bundles (pagefind/, pagefind-1/ ...): merge them.
    var merged = (box.getAttribute("data-bundles") || "").split(/\s+/).filter(Boolean).map(function (path) {
      return { bundlePath: new URL(path, location.href).pathname };
    });
    new window.PagefindUI({
      element: "#search",
      baseUrl: base,
      mergeIndex: merged,
      showSubResults: true,
      excerptLength: 40,  // a passage's heading (its speaker and turn) takes words of the excerpt
      showImages: false,
      resetStyles: false,
      autofocus: true,
      translations: { placeholder: "Search the documents" }
    });
    // Pagefind's input has only a title; give it an accessible name.
    var label = function () {
      var input = box.querySelector("input[type='text'], input[type='search'], input:not([type])");
      if (input && !input.getAttribute("aria-label")) input.setAttribute("aria-label", "Search the documents");
    };
    label();
    if (window.MutationObserver) new MutationObserver(function () { label(); speakerPassages(box); })
      .observe(box, { childList: true, subtree: true });
    box.addEventListener("change", function () { speakerPassages(box); });
  }

  // The Speaker filter narrows the documents to those the speaker speaks in; within them, only
  // that speaker's passages are shown (each passage's heading begins with its speaker's name).
  function speakerPassages(box) {
    var chosen = [];
    var inputs = box.querySelectorAll('input[name="Speaker"]:checked');
    for (var i = 0; i < inputs.length; i++) chosen.push(inputs[i].value);
    var nested = box.querySelectorAll(".pagefind-ui__result-nested");
    for (var j = 0; j < nested.length; j++) {
      var title = (nested[j].querySelector(".pagefind-ui__result-link") || nested[j]).textContent.trim();
      var keep = !chosen.length || chosen.some(function (name) {
        return title.indexOf(name + ",") === 0 || title.indexOf(name + " and ") === 0 || title.indexOf(" and " + name + ",") > 0;
      });
      if (nested[j].hidden === keep) nested[j].hidden = !keep;
    }
  }

  // The comparison page: on a narrow screen one translation at a time; switching keeps the
  // reader at the same row (the passage and its counterpart), wherever it is on the screen.
  function setupComparison() {
    var aligned = d.getElementById("aligned");
    var bar = d.querySelector(".compare-switch");
    if (!aligned || !bar) return;
    var buttons = bar.querySelectorAll(".switch-button");
    var narrow = window.matchMedia("(max-width: 61.99rem)");
    function show(prefix) {
      var cells = d.querySelectorAll(".aligned-cell, .compare-notes");
      for (var i = 0; i < cells.length; i++) {
        cells[i].classList.toggle("is-shown", cells[i].getAttribute("data-column") === prefix);
      }
      for (var j = 0; j < buttons.length; j++) {
        buttons[j].setAttribute("aria-pressed", buttons[j].getAttribute("data-show") === prefix ? "true" : "false");
      }
      aligned.setAttribute("data-show", prefix);
    }
    function rowInView() {
      var top = bar.getBoundingClientRect().bottom;
      var shown = aligned.querySelectorAll(".aligned-row:not(.aligned-headers) .aligned-cell.is-shown");
      for (var i = 0; i < shown.length; i++) {
        var box = shown[i].getBoundingClientRect();
        if (box.bottom > top + 8) return { row: shown[i].parentNode, top: box.top };
      }
      return null;
    }
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (e) {
        var prefix = e.currentTarget.getAttribute("data-show");
        var at = narrow.matches ? rowInView() : null;
        show(prefix);
        if (at) {
          var cell = at.row.querySelector('.aligned-cell[data-column="' + prefix + '"]');
          if (cell) window.scrollBy(0, cell.getBoundingClientRect().top - at.top);
        }
      });
    }
    var target = location.hash ? d.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    var column = target && target.closest("[data-column]");
    show(column ? column.getAttribute("data-column") : aligned.getAttribute("data-show"));
    bar.hidden = false;
  }

  function init() {
    showAccessDates();
    var sample = d.getElementById("passage-citation");
    if (sample && sample.getAttribute("data-passage")) {
      var filled = passageCitation(sample.getAttribute("data-passage"));
      if (filled) sample.textContent = filled;
    }
    setupComparison();
    setupCopyButtons();
    setupSorting();
    setupFilter();
    setupSearch();
    markTarget(true);
  }

  if (d.readyState === "loading") { d.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
