// The person's pages, enhanced: the quick exit (the button, or Shift pressed three times)
// blanks the page at once, closes the session and leaves with location.replace; links and
// forms of the flow load in place, so the whole flow keeps one history entry. Everything
// works without this file.
(function () {
  'use strict';
  var leaving = false;
  function quickExit(e) {
    if (e) { e.preventDefault(); }
    if (leaving) { return; }
    leaving = true;
    document.documentElement.style.display = 'none';
    document.title = '';
    try { navigator.sendBeacon('/rdv/sortie'); } catch (x) { /* the replace below still leaves */ }
    location.replace(document.body.getAttribute('data-exit') || 'about:blank');
  }
  var shifts = 0;
  var last = 0;
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Shift') { shifts = 0; return; }
    if (e.repeat) { return; }
    var now = Date.now();
    shifts = now - last < 1500 ? shifts + 1 : 1;
    last = now;
    if (shifts >= 3) { quickExit(e); }
  });
  // Back to a page kept in memory: ask again (the session may be gone).
  window.addEventListener('pageshow', function (e) { if (e.persisted) { location.reload(); } });

  function swap(html, url) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var main = doc.querySelector('main');
    var header = doc.querySelector('header');
    if (!main || !header) { location.replace(url); return; }
    document.title = doc.title;
    document.documentElement.lang = doc.documentElement.lang;
    document.querySelector('header').replaceWith(document.adoptNode(header));
    document.querySelector('main').replaceWith(document.adoptNode(main));
    var hash = url.indexOf('#') >= 0 ? url.slice(url.indexOf('#') + 1) : '';
    var target = (hash && document.getElementById(hash)) || main.querySelector('[autofocus]') || main;
    if (!target.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT)$/.test(target.tagName)) { target.setAttribute('tabindex', '-1'); }
    target.focus();
  }
  function go(url, init) {
    fetch(url, init || { credentials: 'same-origin' })
      .then(function (r) { return r.text().then(function (t) { swap(t, url.indexOf('#') >= 0 ? url : r.url); }); })
      .catch(function () { location.replace(url); });
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-swap], .slots a');
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) { return; }
    e.preventDefault();
    go(a.href);
  });
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (f.classList.contains('exit')) { quickExit(e); return; }
    e.preventDefault();
    var b = f.querySelector('button');
    if (b) { if (b.disabled) { return; } b.disabled = true; }
    go(f.action, { method: 'POST', credentials: 'same-origin', body: new URLSearchParams(new FormData(f)) });
  });
  document.addEventListener('DOMContentLoaded', function () {
    var t = document.querySelector('main [autofocus]');
    if (t) { t.focus(); }
  });
}());
