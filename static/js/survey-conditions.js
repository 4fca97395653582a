// Shows and hides the questions of a survey form as the respondent answers, by the rule of
// surveys/conditions.py (which the server applies again to what is posted: a hidden question is neither
// required nor stored). Reads the data-* attributes the page writes; no inline script (CSP).
(function () {
  "use strict";

  function chosen(block, row) {
    if (!block || block.hidden) return [];
    var out = [];
    block.querySelectorAll("input, select, textarea").forEach(function (el) {
      var parts = el.name.split("|"); // q | code | repeat key | row
      if (row !== undefined && parts[3] !== row) return;
      var tr = el.closest("[data-row]");
      if (tr && tr.hidden) return;
      var on = (el.type === "radio" || el.type === "checkbox") ? el.checked : el.value !== "";
      if (on) out.push(el.value);
    });
    return out;
  }

  function init(form) {
    var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));

    function targetsOf(block) {
      var code = block.dataset.showIf;
      return blocks.filter(function (b) {
        return b.dataset.question === code && (!block.dataset.sameRepeat || b.dataset.repeatKey === block.dataset.repeatKey);
      });
    }

    function update() {
      // In page order, so a question's target is decided before the question itself.
      blocks.forEach(function (block) {
        if (!block.dataset.showIf) return;
        var wanted = JSON.parse(block.dataset.showIfValues || "[]");
        var targets = targetsOf(block);
        var matches = function (values) { return values.some(function (v) { return wanted.indexOf(v) !== -1; }); };
        if (block.dataset.sameRow) {
          var any = false;
          block.querySelectorAll("[data-row]").forEach(function (tr) {
            var show = targets.some(function (t) { return matches(chosen(t, tr.dataset.row)); });
            tr.hidden = !show;
            any = any || show;
          });
          block.hidden = !any;
        } else {
          block.hidden = !targets.some(function (t) { return matches(chosen(t)); });
        }
      });
    }

    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-survey-form]").forEach(init);
  });
})();
