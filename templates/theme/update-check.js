// The reader site's per-version pages: reads manifest.json at view time and shows (or updates) the
// "newer version" note; silent offline.
(function () {
  var me = document.currentScript;
  if (!me || !window.fetch) return;
  var version = me.getAttribute('data-version');
  var site = me.getAttribute('data-site') || '';
  fetch(`${site}manifest.json`, { cache: 'no-cache' })
    .then(function (r) {
      return r.ok ? r.json() : null;
    })
    .then(function (m) {
      if (!m || !m.latest || m.latest === version) return;
      var entry = (m.versions || []).filter(function (v) {
        return v.version === m.latest;
      })[0];
      var since = entry && entry.changesSince && entry.changesSince[version];
      var note = document.querySelector('.evergreen-newer');
      if (!note) {
        note = document.createElement('div');
        note.className = 'evergreen-newer';
        note.setAttribute('role', 'note');
        var main = document.querySelector('main') || document.body;
        main.insertBefore(note, main.firstChild);
      }
      if (note.getAttribute('data-newer') === m.latest) return;
      note.textContent = `You are reading version ${version}. A newer version, ${m.latest}, is available. `;
      var a = document.createElement('a');
      a.href = site + (since && since.page ? since.page : `v/${m.latest}/index.html`);
      a.textContent = since && since.page ? `What changed since ${version}` : `Read ${m.latest}`;
      note.appendChild(a);
    })
    .catch(function () {});
})();
