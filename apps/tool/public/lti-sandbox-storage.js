/*
 * SafeNest sandbox LMS: the platform side of the LTI client-side postMessage storage
 * (lti.capabilities, lti.put_data, lti.get_data). Runs in a hidden frame of the LMS page, named
 * by lti_storage_target; values are kept per tool origin in this frame's memory for the visit.
 */
(function () {
  var store = {};
  var subjects = ['lti.capabilities', 'lti.put_data', 'lti.get_data'];
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || subjects.indexOf(data.subject) < 0) return;
    var reply = { subject: data.subject + '.response', message_id: data.message_id };
    var bucket = (store[event.origin] = store[event.origin] || {});
    if (data.subject === 'lti.capabilities') {
      reply.supported_messages = subjects.map(function (s) {
        return { subject: s };
      });
    } else if (typeof data.key !== 'string' || data.key.length > 200) {
      reply.error = { code: 'bad_request', message: 'key missing or too long' };
    } else if (data.subject === 'lti.put_data') {
      bucket[data.key] = String(data.value).slice(0, 4096);
      reply.key = data.key;
      reply.value = bucket[data.key];
    } else {
      reply.key = data.key;
      reply.value = Object.prototype.hasOwnProperty.call(bucket, data.key)
        ? bucket[data.key]
        : null;
    }
    event.source.postMessage(reply, event.origin);
  });
})();
