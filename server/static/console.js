// The console works without this file. With it: the list of a refused form's errors gets
// the focus, so a screen reader reads it first; a page left open longer than the session's
// idle limit goes back to the sign-in page instead of failing on the next click.
(function () {
  'use strict';
  var errors = document.getElementById('errors');
  if (errors) { errors.focus(); }
  var idle = 15 * 60 * 1000 + 5000;
  if (document.querySelector('form[action="/console/deconnexion"]')) {
    setTimeout(function () {
      location.replace('/console/connexion?retour=' + encodeURIComponent(location.pathname));
    }, idle);
  }
})();
