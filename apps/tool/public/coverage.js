/* Coverage pages: draws the chart from the page's JSON (the table shows the same data without
   JavaScript) and moves the import progress bar. No inline script: CSP allows only 'self'. */
(function () {
  'use strict';
  var canvas = document.getElementById('coverage-chart');
  if (canvas && window.Chart) {
    var chart = JSON.parse(canvas.getAttribute('data-chart') || '{}');
    var colours = ['#0b6e4f', '#1f5fa8', '#8a5a00'];
    new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: chart.labels,
        datasets: (chart.series || []).map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: colours[i % colours.length] };
        }),
      },
      options: {
        responsive: true,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
  var box = document.querySelector('[data-import-status]');
  if (box) {
    var url = box.getAttribute('data-import-status');
    var tick = function () {
      fetch(url, { credentials: 'same-origin' })
        .then(function (r) {
          return r.json();
        })
        .then(function (s) {
          var bar = document.getElementById('import-progress');
          bar.max = s.total || 1;
          bar.value = s.processed;
          document.getElementById('import-count').textContent = s.processed + ' / ' + s.total;
          document.getElementById('import-state').innerHTML = '';
          var strong = document.createElement('strong');
          strong.textContent = s.statusLabel;
          document.getElementById('import-state').appendChild(strong);
          if (s.finished) {
            window.location.reload();
          } else {
            setTimeout(tick, 1000);
          }
        })
        .catch(function () {
          setTimeout(tick, 3000);
        });
    };
    setTimeout(tick, 800);
  }
})();
