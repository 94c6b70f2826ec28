/** The URL path the browser client is served at; every dev page loads it from its <head>. */
export const clientPath = '/__evergreen/client.js';

/** The markup `evergreen dev` adds to every page's <head> (through the build's `extraHead`). */
export const devHead = `<script src="${clientPath}" defer></script>`;

/**
 * The browser side of live preview, a plain script: it listens to the event stream, reloads the page when
 * its HTML changed (restoring the scroll position of the page and of the sidebar), swaps stylesheets in
 * place when only CSS changed, and shows build errors and failing samples in an overlay.
 */
export const browserClient = String.raw`(function () {
  'use strict';
  if (window.__evergreenDev) return;
  var state = (window.__evergreenDev = { connected: false, problems: [], reloads: 0 });
  var stampMeta = document.querySelector('meta[name="evergreen-dev-build"]');
  var stamp = stampMeta ? stampMeta.getAttribute('content') : '';
  var page = location.pathname;
  var scrollKey = 'evergreen-dev-scroll:' + page;

  function sidebar() { return document.querySelector('.sidebar'); }

  function saveScroll() {
    try {
      var side = sidebar();
      sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY, side: side ? side.scrollTop : 0 }));
    } catch (e) { /* storage disabled */ }
  }

  function restoreScroll() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(scrollKey) || 'null');
      sessionStorage.removeItem(scrollKey);
    } catch (e) { return; }
    if (!saved) return;
    var apply = function () {
      window.scrollTo(saved.x, saved.y);
      var side = sidebar();
      if (side) side.scrollTop = saved.side;
    };
    apply();
    // Again after the reader script and late images have moved things.
    requestAnimationFrame(function () { requestAnimationFrame(apply); });
  }
  if (document.readyState === 'complete') restoreScroll();
  else window.addEventListener('load', restoreScroll, { once: true });

  function reload() {
    state.reloads++;
    saveScroll();
    location.reload();
  }

  function samePage(url) {
    var here = page === '/' ? '/index.html' : /\.html$/.test(page) ? page : page + '.html';
    return url === here;
  }

  function reloadStylesheets(changed) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin || changed.indexOf(url.pathname) === -1) return;
      url.searchParams.set('v', String(Date.now()));
      var next = link.cloneNode();
      next.href = url.pathname + url.search;
      // Keep the old sheet until the new one has loaded: no flash of unstyled text.
      next.addEventListener('load', function () { link.remove(); }, { once: true });
      next.addEventListener('error', function () { link.remove(); }, { once: true });
      link.after(next);
    });
    state.cssReloads = (state.cssReloads || 0) + 1;
  }

  var overlay;
  var dismissed = '';
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  var css = [
    '#evergreen-dev-overlay{position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;overflow:auto;',
    'background:#1b1b1f;color:#f4f4f5;border-bottom:4px solid #e5484d;box-shadow:0 8px 32px rgba(0,0,0,.4);',
    'font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:16px 20px;text-align:left}',
    '#evergreen-dev-overlay header{display:flex;gap:12px;align-items:center;font-weight:700;color:#ff8589;margin-bottom:8px}',
    '#evergreen-dev-overlay header span{flex:1}',
    '#evergreen-dev-overlay button{font:inherit;background:#2e2e35;color:inherit;border:1px solid #4a4a55;border-radius:4px;padding:2px 10px;cursor:pointer}',
    '#evergreen-dev-overlay ol{margin:0;padding:0;list-style:none}',
    '#evergreen-dev-overlay li{padding:8px 0;border-top:1px solid #333}',
    '#evergreen-dev-overlay .where{color:#7cc4fa}#evergreen-dev-overlay .hint{color:#a1a1aa}',
    '#evergreen-dev-overlay pre{margin:4px 0 0;white-space:pre-wrap;color:#d4d4d8}'
  ].join('');

  function showProblems(problems) {
    state.problems = problems;
    var key = JSON.stringify(problems);
    if (overlay) { overlay.remove(); overlay = undefined; }
    if (!problems.length || key === dismissed) return;
    overlay = el('div');
    overlay.id = 'evergreen-dev-overlay';
    overlay.setAttribute('role', 'alert');
    var style = el('style', '', css);
    var header = el('header');
    var buildFailed = problems.some(function (p) { return p.source === 'build'; });
    var count = problems.length + (problems.length === 1 ? ' problem' : ' problems');
    header.appendChild(el('span', '', buildFailed ? 'Evergreen: the build failed (' + count + '); this page shows the last good build' : 'Evergreen: ' + count + ' in samples'));
    var close = el('button', '', 'Dismiss');
    close.type = 'button';
    close.addEventListener('click', function () { dismissed = key; overlay.remove(); overlay = undefined; });
    header.appendChild(close);
    var list = el('ol');
    problems.forEach(function (p) {
      var item = el('li');
      item.appendChild(el('div', 'where', p.location));
      item.appendChild(el('div', 'message', p.message));
      if (p.hint) item.appendChild(el('div', 'hint', '→ ' + p.hint));
      if (p.details) item.appendChild(el('pre', 'details', p.details));
      list.appendChild(item);
    });
    overlay.appendChild(style);
    overlay.appendChild(header);
    overlay.appendChild(list);
    (document.body || document.documentElement).appendChild(overlay);
  }

  function connect() {
    var source = new EventSource('/__evergreen/events?page=' + encodeURIComponent(page) + '&build=' + encodeURIComponent(stamp || ''));
    source.addEventListener('open', function () { state.connected = true; });
    source.addEventListener('error', function () { state.connected = false; });
    source.addEventListener('problems', function (e) {
      var data = JSON.parse(e.data);
      var show = function () { showProblems(data.problems); };
      if (document.body) show(); else document.addEventListener('DOMContentLoaded', show, { once: true });
    });
    source.addEventListener('reload', function (e) {
      var data = JSON.parse(e.data);
      if (data.pages === 'all' || data.pages.some(samePage)) { source.close(); reload(); }
      else stamp = data.build;
    });
    source.addEventListener('css', function (e) {
      var data = JSON.parse(e.data);
      stamp = data.build;
      reloadStylesheets(data.stylesheets);
    });
  }
  connect();
})();
`;
