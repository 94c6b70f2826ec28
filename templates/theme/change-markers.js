// "Updated in X" markers on the latest version's pages. Every section carries the release it last changed
// in; by default only the last release's markers show. A reader who says which version they have
// (?since=1.0.0, or the "My version" choice, remembered in this browser) sees every section changed since.
(function () {
  var me = document.currentScript;
  if (!me) return;
  var latest = me.getAttribute('data-version');
  var site = me.getAttribute('data-site') || '';
  var versions = [];
  try {
    versions = JSON.parse(me.getAttribute('data-versions') || '[]');
  } catch {}
  var storageKey = 'evergreen-my-version:' + location.pathname.replace(/\/v\/[^/]+\/.*$/, '/');
  function parts(v) {
    return String(v).split('-')[0].split('.').map(Number);
  }
  function newer(a, b) {
    var x = parts(a);
    var y = parts(b);
    for (var i = 0; i < 3; i++) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) > (y[i] || 0);
    return false;
  }
  function remembered() {
    try {
      return localStorage.getItem(storageKey);
    } catch {
      return null;
    }
  }
  function remember(v) {
    try {
      if (v) localStorage.setItem(storageKey, v);
      else localStorage.removeItem(storageKey);
    } catch {}
  }
  var asked = new URLSearchParams(location.search).get('since');
  var since = asked && versions.indexOf(asked) >= 0 ? asked : null;
  if (since) remember(since);
  else {
    var kept = remembered();
    since = kept && versions.indexOf(kept) >= 0 ? kept : null;
  }
  function apply() {
    var markers = document.querySelectorAll('.evergreen-updated[data-changed-in]');
    for (var i = 0; i < markers.length; i++) {
      var m = markers[i];
      var v = m.getAttribute('data-changed-in');
      var show = since ? newer(v, since) : v === latest;
      m.hidden = !show;
      var a = m.querySelector('a');
      if (a && since && since !== latest) a.href = site + 'changes-since-' + since + '.html#' + m.getAttribute('data-anchor');
    }
  }
  function control() {
    var older = versions.filter(function (v) {
      return v !== latest;
    });
    if (!older.length) return;
    var main = document.querySelector('main') || document.body;
    var form = document.createElement('form');
    form.className = 'evergreen-my-version';
    var label = document.createElement('label');
    label.textContent = 'Mark changes since my version ';
    var select = document.createElement('select');
    var none = document.createElement('option');
    none.value = '';
    none.textContent = 'the last release (' + latest + ')';
    select.appendChild(none);
    older.forEach(function (v) {
      var o = document.createElement('option');
      o.value = v;
      o.textContent = v;
      if (v === since) o.selected = true;
      select.appendChild(o);
    });
    select.addEventListener('change', function () {
      since = select.value || null;
      remember(since);
      apply();
    });
    label.appendChild(select);
    form.appendChild(label);
    main.insertBefore(form, main.firstChild);
  }
  control();
  apply();
})();
