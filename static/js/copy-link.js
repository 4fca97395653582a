// "Kopieer link": copies the text of the field a button names (data-copy-from) to the clipboard and says so in
// the field's status line (data-copy-status). Without JavaScript the button stays hidden and the read-only
// field can be selected and copied by hand. No inline script (CSP).
(function () {
  "use strict";

  function init(button) {
    var field = document.getElementById(button.dataset.copyFrom);
    var status = document.querySelector('[data-copy-status="' + button.dataset.copyFrom + '"]');
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () { if (status) status.textContent = button.dataset.copiedText; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-from]").forEach(init);
  });
})();
