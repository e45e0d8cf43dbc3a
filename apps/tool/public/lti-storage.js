/* SafeNest: LTI platform storage (lti.put_data / lti.get_data) when third-party cookies are blocked. */
(function () {
  var form = document.getElementById('lti-storage-form');
  if (!form) return;
  var target = form.getAttribute('data-storage-target');
  var origin = form.getAttribute('data-platform-origin');
  // The login's short key (the state it seals is too long for some platforms' storage keys).
  var state = form.getAttribute('data-state');
  var nonce = form.getAttribute('data-nonce');
  var mode = form.getAttribute('data-mode');
  var frame =
    (window.parent && window.parent.frames && window.parent.frames[target]) || window.parent;
  // Both messages are idempotent, so a message is sent again until the platform answers: its
  // storage frame may still be loading (a message sent before its listener exists is lost).
  // After GIVE_UP_MS without an answer the launch goes on without storage and the tool explains.
  var RESEND_MS = 250;
  var GIVE_UP_MS = 8000;
  function send(subject, key, value, cb) {
    var id = Math.random().toString(36).slice(2);
    var done = false;
    var resend;
    var giveUp;
    var msg = { subject: subject, message_id: id, key: key };
    if (value !== undefined) msg.value = value;
    // The callback runs exactly once: a late answer after giving up (or a second answer to a
    // resent message) must not navigate or submit the form a second time.
    function finish(reply) {
      if (done) return;
      done = true;
      clearInterval(resend);
      clearTimeout(giveUp);
      window.removeEventListener('message', onMessage);
      cb(reply);
    }
    function onMessage(event) {
      if (event.origin !== origin || !event.data || event.data.message_id !== id) return;
      finish(event.data);
    }
    function post() {
      try {
        frame.postMessage(msg, origin);
      } catch (e) {
        // The frame is navigating; the next resend reaches it.
      }
    }
    window.addEventListener('message', onMessage);
    post();
    resend = setInterval(post, RESEND_MS);
    giveUp = setTimeout(function () {
      finish(null);
    }, GIVE_UP_MS);
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
