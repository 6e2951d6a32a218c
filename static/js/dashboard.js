// The inbox dashboard's charts, drawn by the vendored Chart.js (window.Chart) from the numbers
// the page carries in data-stats (the tables below the charts show the same numbers).

const PALETTE = ['#3056d3', '#1f7a4d', '#c62f3c', '#8a5a00', '#7a3fc4', '#0f7c8c', '#b5487a'];
const SENTIMENT_COLORS = { positive: '#1f7a4d', neutral: '#8792a2', negative: '#c62f3c' };

function draw(canvas, config) {
  // eslint-disable-next-line no-new
  new window.Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
}

function start() {
  const root = document.querySelector('[data-dashboard]');
  if (!root || typeof window.Chart !== 'function') return;
  const stats = JSON.parse(root.dataset.stats);
  const labels = JSON.parse(root.dataset.labels);
  const word = (key) => labels[key] ?? key;
  const canvas = (name) => root.querySelector(`[data-chart="${name}"]`);
  draw(canvas('volume'), {
    type: 'bar',
    data: {
      labels: stats.days.map((d) => d.slice(5)),
      datasets: Object.entries(stats.by_source).map(([name, counts], i) => ({
        label: name, data: counts, backgroundColor: PALETTE[i % PALETTE.length],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const sentiment = Object.entries(stats.sentiment);
  draw(canvas('sentiment'), {
    type: 'doughnut',
    data: {
      labels: sentiment.map(([k]) => word(k)),
      datasets: [{ data: sentiment.map(([, n]) => n), backgroundColor: sentiment.map(([k]) => SENTIMENT_COLORS[k]) }],
    },
  });
  const voice = Object.entries(stats.voice);
  draw(canvas('voice'), {
    type: 'pie',
    data: {
      labels: voice.map(([k]) => word(k)),
      datasets: [{ data: voice.map(([, n]) => n), backgroundColor: ['#3056d3', '#8a5a00'] }],
    },
  });
  root.dataset.drawn = 'true'; // a hook for browser tests
}

if (document.readyState === 'complete') start();
else window.addEventListener('load', start);
