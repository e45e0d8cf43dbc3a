/* SafeNest: submit LTI return forms by themselves; the button stays for browsers without JavaScript. */
(function () {
  var form = document.querySelector('form[data-autosubmit]');
  if (form) form.submit();
})();
