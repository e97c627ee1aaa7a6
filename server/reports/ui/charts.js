// Charts as inline SVG built node by node: geometry goes into SVG attributes and colours into
// CSS classes, so the strict CSP (no inline style) holds and labels are text nodes, never markup.
'use strict';

const charts = (() => {
  const svgNs = 'http://www.w3.org/2000/svg';

  function svg(tag, attributes = {}, text) {
    const node = document.createElementNS(svgNs, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function frame(width, height, label) {
    const root = svg('svg', {
      viewBox: `0 0 ${width} ${height}`, class: 'chart-svg', role: 'img', 'aria-label': label,
    });
    root.append(svg('title', {}, label));
    return root;
  }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    const magnitude = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 5, 10]) {
      if (value <= step * magnitude) return step * magnitude;
    }
    return 10 * magnitude;
  }

  function shortTime(iso) {
    const match = /T(\d\d:\d\d)/.exec(String(iso));
    return match ? match[1] : String(iso);
  }

  function axis(root, geometry, max) {
    const { left, top, plotWidth, plotHeight } = geometry;
    for (const fraction of [0, 0.5, 1]) {
      const y = top + plotHeight - fraction * plotHeight;
      root.append(svg('line', { x1: left, x2: left + plotWidth, y1: y, y2: y, class: 'grid' }));
      root.append(svg('text', { x: left - 6, y: y + 4, class: 'axis-label end' },
        smg.formatNumber(max * fraction, max < 10 ? 1 : 0)));
    }
  }

  function timeLabels(root, geometry, buckets, slot) {
    const every = Math.max(1, Math.ceil(buckets.length / 6));
    buckets.forEach((bucket, index) => {
      if (index % every !== 0) return;
      const x = geometry.left + index * slot + slot / 2;
      root.append(svg('text', { x, y: geometry.top + geometry.plotHeight + 16, class: 'axis-label middle' },
        shortTime(bucket.start)));
    });
  }

  function empty(container, label) {
    smg.clear(container);
    container.append(smg.el('p', { class: 'empty' }, `${label}: no data in this window.`));
  }

  // Stacked bars per time bucket: successful requests and errors.
  function requestBars(container, buckets) {
    if (!buckets.length) return empty(container, 'Requests');
    const geometry = { left: 48, top: 10, plotWidth: 640, plotHeight: 160 };
    const root = frame(700, 200, 'Requests and errors per time bucket');
    const max = niceMax(Math.max(...buckets.map((b) => b.requests)));
    axis(root, geometry, max);
    const slot = geometry.plotWidth / buckets.length;
    const barWidth = Math.max(1, slot * 0.8);
    buckets.forEach((bucket, index) => {
      const x = geometry.left + index * slot + (slot - barWidth) / 2;
      const total = (bucket.requests / max) * geometry.plotHeight;
      const errors = (bucket.errors / max) * geometry.plotHeight;
      const base = geometry.top + geometry.plotHeight;
      const bar = svg('rect', { x, y: base - total, width: barWidth, height: total - errors, class: 'bar ok' });
      bar.append(svg('title', {}, `${bucket.start}: ${bucket.requests} requests, ${bucket.errors} errors`));
      root.append(bar);
      if (errors > 0) root.append(svg('rect', { x, y: base - errors, width: barWidth, height: errors, class: 'bar error' }));
    });
    timeLabels(root, geometry, buckets, slot);
    smg.clear(container);
    container.append(root, legend([['ok', 'requests'], ['error', 'errors']]));
  }

  // A line through each bucket's value of `field`.
  function line(container, buckets, field, label) {
    const points = buckets.filter((b) => b.requests > 0);
    if (!points.length) return empty(container, label);
    const geometry = { left: 48, top: 10, plotWidth: 640, plotHeight: 160 };
    const root = frame(700, 200, label);
    const max = niceMax(Math.max(...points.map((b) => b[field])));
    axis(root, geometry, max);
    const slot = geometry.plotWidth / buckets.length;
    const coordinates = [];
    buckets.forEach((bucket, index) => {
      if (bucket.requests === 0) return;
      const x = geometry.left + index * slot + slot / 2;
      const y = geometry.top + geometry.plotHeight - (bucket[field] / max) * geometry.plotHeight;
      coordinates.push(`${x.toFixed(1)},${y.toFixed(1)}`);
      const dot = svg('circle', { cx: x, cy: y, r: 3, class: 'dot' });
      dot.append(svg('title', {}, `${bucket.start}: ${smg.formatNumber(bucket[field], 1)} ms`));
      root.append(dot);
    });
    root.prepend(svg('polyline', { points: coordinates.join(' '), class: 'series' }));
    timeLabels(root, geometry, buckets, slot);
    smg.clear(container);
    container.append(root);
  }

  // Horizontal bars of `field` per group (model, caller or worker), largest first.
  function groupBars(container, groups, field, label) {
    const rows = [...groups].sort((a, b) => b[field] - a[field]).slice(0, 10);
    if (!rows.length) return empty(container, label);
    const rowHeight = 26;
    const root = frame(420, rows.length * rowHeight + 8, label);
    const max = Math.max(1, ...rows.map((g) => g[field]));
    rows.forEach((group, index) => {
      const y = 4 + index * rowHeight;
      const width = (group[field] / max) * 220;
      root.append(svg('text', { x: 150, y: y + 16, class: 'axis-label end' }, truncate(group.key || '(none)', 22)));
      const bar = svg('rect', { x: 156, y: y + 4, width: Math.max(width, 1), height: 16, class: 'bar ok' });
      bar.append(svg('title', {}, `${group.key}: ${group[field]} tokens, ${group.requests} requests`));
      root.append(bar);
      root.append(svg('text', { x: 160 + width, y: y + 16, class: 'axis-label' },
        `${smg.formatNumber(group[field])} (${smg.formatNumber(group.requests)} req)`));
    });
    smg.clear(container);
    container.append(root);
  }

  // Two bars on one scale: time to first byte and total latency of one request.
  function timing(container, record) {
    const root = frame(420, 70, 'Time to first byte and total latency');
    const max = Math.max(record.latency_ms, record.ttfb_ms, 0.001);
    [['TTFB', record.ttfb_ms, 'ttfb'], ['Total', record.latency_ms, 'ok']].forEach(([name, value, kind], index) => {
      const y = 6 + index * 30;
      const width = (value / max) * 250;
      root.append(svg('text', { x: 60, y: y + 15, class: 'axis-label end' }, name));
      root.append(svg('rect', { x: 66, y: y + 2, width: Math.max(width, 1), height: 18, class: `bar ${kind}` }));
      root.append(svg('text', { x: 72 + width, y: y + 15, class: 'axis-label' }, `${smg.formatNumber(value, 2)} ms`));
    });
    smg.clear(container);
    container.append(root);
  }

  function legend(entries) {
    const list = smg.el('ul', { class: 'legend' });
    for (const [kind, name] of entries) {
      const swatch = svg('svg', { viewBox: '0 0 10 10', class: 'swatch' });
      swatch.append(svg('rect', { width: 10, height: 10, class: `bar ${kind}` }));
      list.append(smg.el('li', {}, swatch, name));
    }
    return list;
  }

  function truncate(text, length) {
    const value = String(text);
    return value.length > length ? `${value.slice(0, length - 1)}…` : value;
  }

  return { requestBars, line, groupBars, timing };
})();
