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
// The one-row listing of a large workspace: each block of rows is built
// from the JSON listing when it comes near the view, when one of its rows is
// linked to, and before printing.
(function () {
  var data = document.getElementById('listing');
  if (!data) return;
  var listing = JSON.parse(data.textContent);
  var chunks = document.querySelectorAll('div.chunk[data-chunk]');
  var where = {};
  listing.rows.forEach(function (r, n) { where['c' + r[0]] = Math.floor(n / listing.chunk); });
  function esc(t) {
    return String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function fill(k) {
    var block = chunks[k];
    if (!block || block.hasAttribute('data-filled')) return;
    block.setAttribute('data-filled', '');
    var html = '';
    listing.rows.slice(k * listing.chunk, (k + 1) * listing.chunk).forEach(function (r) {
      var findings = r[7].map(function (f) {
        return '<a class="sev-' + f[1] + '" href="#f-' + f[0] + '">' + esc(listing.severity[f[1]]) + ' ' + esc(f[2]) + '</a>';
      }).join(' ');
      html += '<tr id="c' + r[0] + '" data-campaign="' + esc(r[1]) + '"><th scope="row">' + esc(r[1]) +
        '</th><td>' + esc(r[2]) + '</td><td>' + esc(r[3]) + '</td><td>' + esc(r[4]) + '</td><td>' +
        esc(r[5]) + '</td><td>' + esc(r[6]) + '</td><td>' + findings + '</td></tr>';
    });
    block.querySelector('tbody').innerHTML = html;
  }
  function fillAll() { for (var k = 0; k < chunks.length; k++) fill(k); }
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!(id in where) || document.getElementById(id)) return;
    fill(where[id]);
    var target = document.getElementById(id);
    if (target) target.scrollIntoView();
  }
  if ('IntersectionObserver' in window) {
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) {
          fill(+e.target.getAttribute('data-chunk'));
          near.unobserve(e.target);
        }
      });
    }, { rootMargin: '2000px 0px' });
    chunks.forEach(function (c) { near.observe(c); });
  } else {
    fillAll();
  }
  window.addEventListener('hashchange', reveal);
  window.addEventListener('beforeprint', fillAll);
  reveal();
})();
