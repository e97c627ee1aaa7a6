// The request table: filters from the page's query string (the form submits to this page),
// keyset pagination through next_cursor, and a Markdown export of exactly this view.
'use strict';

(() => {
  const filterNames = ['window', 'model', 'caller', 'worker', 'route', 'status', 'stream', 'limit'];

  function fillForm(params) {
    const form = smg.byId('filters');
    for (const name of filterNames) {
      const field = form.elements.namedItem(name);
      if (field && params.has(name)) field.value = params.get(name);
    }
  }

  function tokens(row) {
    return row.total_tokens === null || row.total_tokens === undefined ? '–' : smg.formatNumber(row.total_tokens);
  }

  function statusCell(row) {
    const kind = row.status >= 500 ? 'error' : row.status >= 400 ? 'warn' : 'ok';
    const label = row.error_type ? `${row.status} ${row.error_type}` : String(row.status);
    return smg.el('td', {}, smg.el('span', { class: `status ${kind}` }, label));
  }

  function renderRow(row) {
    const detail = `/admin/reports/request?${new URLSearchParams({ id: row.request_id })}`;
    return smg.el('tr', { 'data-request-id': row.request_id },
      smg.el('td', { class: 'mono' }, smg.formatTime(row.time)),
      smg.el('td', { class: 'mono' }, smg.el('a', { href: detail, class: 'request-link' }, row.request_id)),
      smg.el('td', {}, row.caller),
      smg.el('td', {}, row.model),
      smg.el('td', { class: 'mono' }, row.worker),
      smg.el('td', {}, row.stream ? `${row.route} (stream)` : row.route),
      statusCell(row),
      smg.el('td', { class: 'num' }, smg.formatNumber(row.latency_ms, 1)),
      smg.el('td', { class: 'num' }, smg.formatNumber(row.ttfb_ms, 1)),
      smg.el('td', { class: 'num' }, tokens(row)));
  }

  function renderPager(params, page) {
    const next = smg.byId('next');
    const first = smg.byId('first');
    const base = new URLSearchParams(params);
    base.delete('cursor');
    first.setAttribute('href', `/admin/reports/requests?${base}`);
    smg.show(first, params.has('cursor'));
    if (page.next_cursor) {
      const older = new URLSearchParams(base);
      older.set('cursor', page.next_cursor);
      next.setAttribute('href', `/admin/reports/requests?${older}`);
    }
    smg.show(next, Boolean(page.next_cursor));
  }

  async function main() {
    const session = await smg.start();
    if (!session) return;
    const params = smg.currentParams();
    if (!params.has('window')) params.set('window', '24h');
    fillForm(params);
    smg.byId('export').setAttribute('href', `/admin/reports/api/export.md?${params}`);
    smg.show(smg.byId('export'), smg.grantedDomains(session, 'admin:reports', 'export').length > 0);
    try {
      const page = await smg.api(`requests?${params}`);
      const body = smg.byId('rows');
      smg.clear(body);
      for (const row of page.requests) body.append(renderRow(row));
      smg.show(smg.byId('empty'), page.requests.length === 0);
      renderPager(params, page);
      document.body.dataset.loaded = 'true';
    } catch (error) {
      smg.notice(smg.explain(error));
    }
  }

  document.addEventListener('DOMContentLoaded', main);
})();
