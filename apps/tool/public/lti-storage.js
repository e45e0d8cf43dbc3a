/* SafeNest: LTI platform storage (lti.put_data / lti.get_data) when third-party cookies are blocked. */
(function () {
  var form = document.getElementById('lti-storage-form');
  if (!form) return;
  var target = form.getAttribute('data-storage-target');
  var origin = form.getAttribute('data-platform-origin');
  var state = form.getAttribute('data-state');
  var nonce = form.getAttribute('data-nonce');
  var mode = form.getAttribute('data-mode');
  var frame =
    (window.parent && window.parent.frames && window.parent.frames[target]) || window.parent;
  function send(subject, key, value, cb) {
    var id = Math.random().toString(36).slice(2);
    function onMessage(event) {
      if (event.origin !== origin || !event.data || event.data.message_id !== id) return;
      window.removeEventListener('message', onMessage);
      cb(event.data);
    }
    window.addEventListener('message', onMessage);
    var msg = { subject: subject, message_id: id, key: key };
    if (value !== undefined) msg.value = value;
    frame.postMessage(msg, origin);
    setTimeout(function () {
      window.removeEventListener('message', onMessage);
      cb(null);
    }, 3000);
  }
  if (mode === 'put') {
    send('lti.put_data', 'state_' + state, state, function () {
      send('lti.put_data', 'nonce_' + nonce, nonce, function () {
        window.location.href = form.getAttribute('data-auth-url');
      });
    });
  } else {
    send('lti.get_data', 'state_' + state, undefined, function (reply) {
      if (reply && reply.value === state) {
        var proof = form.querySelector('[data-proof]');
        proof.value = proof.getAttribute('data-proof');
      }
      form.submit();
    });
  }
})();
