(function () {
  var section = document.getElementById('findings');
  if (!section) return;
  var rows = section.querySelectorAll('tr.finding');
  var groups = section.querySelectorAll('tbody[data-code]');
  var buttons = section.querySelectorAll('button[data-severity]');
  var select = document.getElementById('code-filter');
  var count = document.getElementById('finding-count');
  function apply() {
    var on = {};
    buttons.forEach(function (b) { on[b.getAttribute('data-severity')] = b.getAttribute('aria-pressed') === 'true'; });
    var code = select ? select.value : '';
    var shown = 0;
    rows.forEach(function (r) {
      var sev = r.classList.contains('error') ? 'error' : r.classList.contains('warning') ? 'warning' : 'info';
      var visible = on[sev] && (!code || r.getAttribute('data-code') === code);
      r.hidden = !visible;
      if (visible) shown++;
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('tr.finding:not([hidden])'); });
    if (count) count.textContent = String(shown);
  }
  buttons.forEach(function (b) {
    b.addEventListener('click', function () {
      b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
      apply();
    });
  });
  if (select) select.addEventListener('change', apply);
  apply();
})();
