/* SafeNest player: small enhancements over pages that already work without JavaScript. */
(function () {
  'use strict';
  var doc = document;

  // The launch post answered with this page: show (and reload) the page's own address instead.
  var own = doc.querySelector('meta[name="sn-url"]');
  if (own && window.history && window.history.replaceState) {
    try {
      window.history.replaceState(null, '', own.getAttribute('content'));
    } catch (e) {
      /* an old browser refusing it keeps the post's address; links still carry the token */
    }
  }

  // Inside an LMS iframe: offer the same page (its launch token is in the URL) in a new window.
  try {
    if (window.self !== window.top) {
      doc.querySelectorAll('.new-window').forEach(function (a) {
        a.hidden = false;
      });
    }
  } catch (e) {
    doc.querySelectorAll('.new-window').forEach(function (a) {
      a.hidden = false;
    });
  }

  // Read aloud where the browser can speak.
  if ('speechSynthesis' in window && 'SpeechSynthesisUtterance' in window) {
    doc.querySelectorAll('.read-aloud').forEach(function (button) {
      var label = button.textContent;
      var stop = button.getAttribute('data-label-stop') || label;
      button.hidden = false;
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', function () {
        if (window.speechSynthesis.speaking) {
          window.speechSynthesis.cancel();
          return;
        }
        var target = doc.querySelector(button.getAttribute('data-read') || '#content');
        if (!target) {
          return;
        }
        var text = (target.innerText || target.textContent || '').replace(/\s+/g, ' ').trim();
        var utterance = new window.SpeechSynthesisUtterance(text);
        utterance.lang = doc.documentElement.lang === 'en' ? 'en-US' : 'vi-VN';
        utterance.rate = 0.95;
        utterance.onend = utterance.onerror = function () {
          button.textContent = label;
          button.setAttribute('aria-pressed', 'false');
        };
        button.textContent = stop;
        button.setAttribute('aria-pressed', 'true');
        window.speechSynthesis.speak(utterance);
      });
    });
    window.addEventListener('pagehide', function () {
      window.speechSynthesis.cancel();
    });
  }

  // Autosave: each change is saved at once (the same form post, answered with JSON).
  doc.querySelectorAll('form[data-autosave]').forEach(function (form) {
    var status = form.querySelector('.save-status');
    var timer = null;
    function save() {
      var data = new URLSearchParams(new FormData(form));
      data.set('go', 'save');
      fetch(form.action, {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: data.toString(),
        credentials: 'same-origin',
      })
        .then(function (res) {
          if (status) {
            var said = status.getAttribute(res.ok ? 'data-saved' : 'data-failed');
            // A move just announced stays in the message, followed by the save.
            status.textContent =
              status.getAttribute('data-keep') === '1' ? status.textContent + ' ' + said : said;
            status.removeAttribute('data-keep');
          }
        })
        .catch(function () {
          if (status) {
            status.textContent = status.getAttribute('data-failed');
          }
        });
    }
    form.addEventListener('change', function () {
      clearTimeout(timer);
      timer = setTimeout(save, 300);
    });
  });

  // Ordering: move buttons keep the position selects in step, so the form posts the same fields.
  doc.querySelectorAll('[data-ordering]').forEach(function (list) {
    var up = list.getAttribute('data-label-up');
    var down = list.getAttribute('data-label-down');
    var moved = list.getAttribute('data-label-moved');
    var status = list.closest('form') && list.closest('form').querySelector('.save-status');
    function renumber() {
      var rows = list.querySelectorAll('.order-row');
      rows.forEach(function (row, index) {
        row.querySelector('select').value = String(index + 1);
      });
    }
    function move(row, delta) {
      var target = delta < 0 ? row.previousElementSibling : row.nextElementSibling;
      if (!target) {
        return;
      }
      if (delta < 0) {
        list.insertBefore(row, target);
      } else {
        list.insertBefore(target, row);
      }
      renumber();
      row.querySelector(delta < 0 ? '.order-up' : '.order-down').focus();
      announce(row);
      row.closest('form').dispatchEvent(new Event('change'));
    }
    // Focus stays on the button that moved: say where the step is now.
    function announce(row) {
      if (status && moved) {
        status.textContent = moved
          .replace('{text}', row.querySelector('.order-text').textContent)
          .replace('{n}', row.querySelector('select').value);
        status.setAttribute('data-keep', '1');
      }
    }
    list.querySelectorAll('.order-row').forEach(function (row) {
      var text = row.querySelector('.order-text').textContent;
      [
        ['order-up', '↑', up, -1],
        ['order-down', '↓', down, 1],
      ].forEach(function (spec) {
        var b = doc.createElement('button');
        b.type = 'button';
        b.className = 'order-move ' + spec[0];
        b.textContent = spec[1];
        b.setAttribute('aria-label', spec[2] + ': ' + text);
        b.addEventListener('click', function () {
          move(row, spec[3]);
        });
        row.appendChild(b);
      });
      // A select changed by hand swaps with the row holding that position.
      row.querySelector('select').addEventListener('change', function (event) {
        var rows = Array.prototype.slice.call(list.querySelectorAll('.order-row'));
        var want = Number(event.target.value) - 1;
        var other = rows[want];
        if (other && other !== row) {
          var from = rows.indexOf(row);
          if (from < want) {
            list.insertBefore(row, other.nextElementSibling);
          } else {
            list.insertBefore(row, other);
          }
          renumber();
          event.target.focus();
          announce(row);
        }
      });
    });
  });

  // One submission only (a second click would only show the same result, but waits for nothing).
  doc.querySelectorAll('form[data-once]').forEach(function (form) {
    form.addEventListener('submit', function () {
      setTimeout(function () {
        form.querySelectorAll('button').forEach(function (b) {
          b.disabled = true;
        });
      }, 0);
    });
  });

  // Print buttons (family note).
  doc.querySelectorAll('.print-button').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      window.print();
    });
  });

  // After an error, put focus on the message so screen readers announce it.
  var error = doc.getElementById('form-error');
  if (error) {
    error.focus();
  }
})();
