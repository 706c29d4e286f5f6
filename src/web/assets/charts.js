// Bar charts with uPlot (served from this box, see /assets/uplot.js). Money arrives in fen.
const BAR = '#1f6f5c';

// Axis labels in yuan with the sign, so the owner reads money, not a bare number.
function yuanAxis(_u, values) {
  return values.map((v) => (v >= 10000 ? `¥${Math.round(v / 1000) / 10}k` : `¥${v}`));
}

export class BarChart {
  constructor(el, labelsFor) {
    this.el = el;
    this.labelsFor = labelsFor;
    this.plot = null;
    this.labels = [];
    new ResizeObserver(() => this.resize()).observe(el);
  }

  size() {
    const width = Math.max(240, Math.floor(this.el.clientWidth));
    return { width, height: width < 500 ? 180 : 220 };
  }

  resize() {
    if (this.plot) this.plot.setSize(this.size());
  }

  // points: [{ label, value }] with value in fen; plotted in yuan (display only, no arithmetic kept).
  update(points, seriesLabel) {
    if (typeof window.uPlot !== 'function') return;
    // No sales at all: say so instead of drawing an empty 0–1 axis.
    const empty = points.every((p) => p.value === 0);
    const note = this.el.parentElement?.querySelector('.no-data');
    if (note) note.hidden = !empty;
    this.el.hidden = empty;
    if (empty) return;
    this.labels = points.map((p) => p.label);
    const xs = points.map((_p, i) => i);
    const ys = points.map((p) => p.value / 100);
    if (this.plot && this.plot.series[1].label === seriesLabel && this.plot.data[0].length === xs.length) {
      this.plot.setData([xs, ys]);
      return;
    }
    if (this.plot) this.plot.destroy();
    const labels = () => this.labels;
    const opts = {
      ...this.size(),
      legend: { show: false },
      cursor: { points: { show: false } },
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { incrs: [1, 2, 3, 4, 6, 12], values: (_u, splits) => splits.map((i) => labels()[i] ?? ''), space: 36, gap: 4, size: 30 },
        { values: yuanAxis, size: 60 },
      ],
      series: [{}, { label: seriesLabel, stroke: BAR, fill: 'rgba(31,111,92,0.55)', width: 1, paths: window.uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } }],
    };
    this.plot = new window.uPlot(opts, [xs, ys], this.el);
  }
}
