// Evergreen reader script: theme toggle, table of contents on phones, copy buttons and full-text search.
// Plain script (no modules) so the book also works when opened straight from disk (file://).
(function () {
  'use strict';
  var root = document.documentElement;

  function isDark() {
    if (root.dataset.theme === 'dark') return true;
    if (root.dataset.theme === 'light') return false;
    return window.matchMedia('(prefers-color-scheme: dark)').matches;
  }
  var themeButton = document.querySelector('.theme-toggle');
  if (themeButton) {
    themeButton.addEventListener('click', function () {
      var next = isDark() ? 'light' : 'dark';
      root.dataset.theme = next;
      try {
        localStorage.setItem('evergreen-theme', next);
      } catch (_e) {
        /* private mode */
      }
    });
  }

  var menuButton = document.querySelector('.menu-toggle');
  if (menuButton) {
    menuButton.addEventListener('click', function () {
      var open = document.body.classList.toggle('sidebar-open');
      menuButton.setAttribute('aria-expanded', String(open));
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && document.body.classList.contains('sidebar-open')) {
        document.body.classList.remove('sidebar-open');
        menuButton.setAttribute('aria-expanded', 'false');
        menuButton.focus();
      }
    });
  }

  // Bring the current chapter into view in a long sidebar, without moving a sidebar that already shows it.
  var current = document.querySelector('.toc .current > a');
  var sidebar = document.getElementById('sidebar');
  if (current && sidebar) {
    var item = current.getBoundingClientRect();
    var box = sidebar.getBoundingClientRect();
    if (item.top < box.top || item.bottom > box.bottom) sidebar.scrollTop += item.top - box.top - box.height / 3;
  }

  // Copy buttons: copy what the reader sees, without annotation lines.
  document.querySelectorAll('figure.code-block:not(.code-output)').forEach(function (figure) {
    var pre = figure.querySelector('pre');
    if (!pre) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy code to clipboard');
    button.addEventListener('click', function () {
      var lines = [];
      pre.querySelectorAll('.line').forEach(function (line) {
        if (line.classList.contains('annotation')) return;
        // Type hovers' popups are part of the line's text, but not of the code.
        var copy = line.cloneNode(true);
        copy.querySelectorAll('.hover-info').forEach(function (info) {
          info.remove();
        });
        lines.push(copy.textContent);
      });
      var text = lines.length ? lines.join('\n') : pre.textContent;
      var done = function () {
        button.textContent = 'Copied';
        setTimeout(function () {
          button.textContent = 'Copy';
        }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {
          button.textContent = 'Press Ctrl+C';
        });
      } else {
        button.textContent = 'Press Ctrl+C';
      }
    });
    figure.appendChild(button);
  });

  // Type hovers: a code block is one tab stop; the arrow keys move between its identifiers (each shows its
  // type while focused), Home and End jump to the first and last, Escape goes back to the block.
  document.querySelectorAll('pre[data-hovers]').forEach(function (pre) {
    var targets = Array.prototype.slice.call(pre.querySelectorAll('.hover-target'));
    // Without anchor positioning the popup stands where its identifier would be unscrolled: move it back.
    if (!(window.CSS && CSS.supports('anchor-name: --hover'))) {
      var follow = function (event) {
        var hover = event.target.closest && event.target.closest('.hover');
        var info = hover && hover.querySelector('.hover-info');
        if (info) info.style.marginLeft = pre.scrollLeft ? -pre.scrollLeft + 'px' : '';
      };
      pre.addEventListener('mouseover', follow);
      pre.addEventListener('focusin', follow);
    }
    pre.addEventListener('keydown', function (event) {
      var current = targets.indexOf(document.activeElement);
      var next = -1;
      if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = current < 0 ? 0 : Math.min(current + 1, targets.length - 1);
      else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = current < 0 ? 0 : Math.max(current - 1, 0);
      else if (event.key === 'Home') next = 0;
      else if (event.key === 'End') next = targets.length - 1;
      else if (event.key === 'Escape' && current >= 0) {
        pre.focus();
        event.preventDefault();
        return;
      }
      if (next < 0 || !targets[next]) return;
      event.preventDefault();
      targets[next].focus();
    });
  });

  // Full-text search: the index is built in the browser from search-data.js on first use, loaded with a
  // script tag (not fetch) so it also works from file://.
  var input = document.getElementById('search-input');
  var results = document.getElementById('search-results');
  if (!input || !results) return;
  var engine = null;
  var loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = function () {
        reject(new Error(`could not load ${src}`));
      };
      document.head.appendChild(script);
    });
  }

  function ensureEngine() {
    if (engine) return Promise.resolve(engine);
    if (!loading) {
      loading = loadScript('assets/minisearch.js')
        .then(function () {
          return loadScript('search-data.js');
        })
        .then(function () {
          var docs = window.EVERGREEN_SEARCH || [];
          engine = new window.MiniSearch({
            fields: ['title', 'text', 'chapter'],
            storeFields: ['title', 'chapter', 'url', 'text'],
            searchOptions: { boost: { title: 3, chapter: 1.5 }, prefix: true, fuzzy: 0.2, combineWith: 'AND' },
          });
          engine.addAll(docs);
          return engine;
        });
    }
    return loading;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function snippet(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    for (var i = 0; i < terms.length && at < 0; i++) at = lower.indexOf(terms[i].toLowerCase());
    // About 60 characters before the first hit and 180 in all, cut only between words.
    var start = Math.max(0, at - 60);
    var end = Math.min(text.length, start + 180);
    if (start > 0) {
      var space = text.slice(start, at < 0 ? end : at).search(/\s/);
      start = space < 0 ? (at < 0 ? start : at) : start + space + 1;
    }
    if (end < text.length) {
      var lastSpace = text.slice(0, end + 1).search(/\s\S*$/);
      if (lastSpace > Math.max(start, at)) end = lastSpace;
    }
    var piece = (start > 0 ? '… ' : '') + text.slice(start, end).trim() + (end < text.length ? ' …' : '');
    var html = escapeHtml(piece);
    terms.forEach(function (term) {
      if (term.length < 2) return;
      var re = new RegExp(`(${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`, 'gi');
      html = html.replace(re, '<mark>$1</mark>');
    });
    return html;
  }

  function message(text) {
    results.innerHTML = `<div class="search-message">${escapeHtml(text)}</div>`;
  }

  var pending = 0;
  function runSearch() {
    var query = input.value.trim();
    if (query.length < 2) {
      results.innerHTML = '';
      return;
    }
    var ticket = ++pending;
    ensureEngine().then(
      function (index) {
        if (ticket !== pending) return;
        var hits = index.search(query).slice(0, 20);
        if (!hits.length) {
          message(`No results for “${query}”`);
          return;
        }
        results.innerHTML = hits
          .map(function (hit) {
            return (
              '<a href="' +
              hit.url +
              '"><span class="result-title">' +
              escapeHtml(hit.title) +
              '</span>' +
              (hit.chapter && hit.chapter !== hit.title ? `<span class="result-chapter">${escapeHtml(hit.chapter)}</span>` : '') +
              '<span class="result-snippet">' +
              snippet(hit.text, hit.terms) +
              '</span></a>'
            );
          })
          .join('');
      },
      function () {
        message('Search could not load its index. If you opened the book from disk, serve it with a web server (for example `npx serve dist/html`).');
      },
    );
  }
  var timer = 0;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(runSearch, 80);
  });
  input.addEventListener('focus', function () {
    ensureEngine().catch(function () {});
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') {
      var first = results.querySelector('a');
      if (first) first.click();
    }
    if (event.key === 'Escape') {
      input.value = '';
      results.innerHTML = '';
    }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === '/' && document.activeElement !== input && !(event.target instanceof HTMLInputElement)) {
      event.preventDefault();
      input.focus();
    }
  });
})();
