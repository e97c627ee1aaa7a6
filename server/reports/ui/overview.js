// Overview: totals, error rate, p50/p95 latency and tokens for a chosen window, as cards and
// SVG charts; the export link and the request-table link carry the same window.
'use strict';

(() => {
  const windows = ['1h', '6h', '24h', '7d', '30d'];

  function card(label, value, kind = '') {
    return smg.el('div', { class: `card ${kind}`.trim() },
      smg.el('span', { class: 'card-label' }, label),
      smg.el('span', { class: 'card-value' }, value));
  }

  function renderCards(summary) {
    const cards = smg.byId('cards');
    smg.clear(cards);
    cards.append(
      card('Requests', smg.formatNumber(summary.requests)),
      card('Error rate', smg.formatPercent(summary.error_rate), summary.errors > 0 ? 'warn' : ''),
      card('Latency p50', `${smg.formatNumber(summary.p50_latency_ms, 1)} ms`),
      card('Latency p95', `${smg.formatNumber(summary.p95_latency_ms, 1)} ms`),
      card('TTFB p50', `${smg.formatNumber(summary.p50_ttfb_ms, 1)} ms`),
      card('Tokens', smg.formatNumber(summary.total_tokens)),
      card('Streams', smg.formatNumber(summary.streams)));
  }

  async function load(span) {
    const query = new URLSearchParams({ window: span });
    smg.byId('export').setAttribute('href', `/admin/reports/api/export.md?${query}`);
    smg.byId('to-requests').setAttribute('href', `/admin/reports/requests?${query}`);
    const [summary, series] = await Promise.all([
      smg.api(`summary?${query}`), smg.api(`timeseries?${query}`)]);
    smg.byId('range').textContent =
      `${smg.formatTime(summary.from)} to ${smg.formatTime(summary.to)} · domains: ${summary.domains.join(', ')}`;
    renderCards(summary.summary);
    charts.requestBars(smg.byId('chart-requests'), series.buckets);
    charts.line(smg.byId('chart-latency'), series.buckets, 'avg_latency_ms', 'Average latency');
    charts.groupBars(smg.byId('chart-model'), summary.by_model, 'total_tokens', 'Tokens by model');
    charts.groupBars(smg.byId('chart-caller'), summary.by_caller, 'total_tokens', 'Tokens by caller');
    charts.groupBars(smg.byId('chart-worker'), summary.by_worker, 'total_tokens', 'Tokens by worker');
    document.body.dataset.loaded = 'true';
  }

  async function main() {
    const session = await smg.start();
    if (!session) return;
    const requested = smg.currentParams().get('window') || '24h';
    const span = windows.includes(requested) ? requested : '24h';
    smg.byId('window').value = span;
    smg.show(smg.byId('export'), smg.grantedDomains(session, 'admin:reports', 'export').length > 0);
    try {
      await load(span);
    } catch (error) {
      smg.notice(smg.explain(error));
    }
  }

  document.addEventListener('DOMContentLoaded', main);
})();
