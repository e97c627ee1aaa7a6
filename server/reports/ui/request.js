// One request: its record and timing, the captured bodies when the viewer may drill down, the
// audit lines about it, and "delete captured content" when the viewer's policy allows delete in
// the request's domain (DELETE with the session's CSRF token in its header).
'use strict';

(() => {
  const fieldLabels = [
    ['request_id', 'Request id'], ['time', 'Time'], ['caller', 'Caller'], ['domain', 'Domain'],
    ['auth_method', 'Auth method'], ['model', 'Model'], ['worker', 'Worker'], ['route', 'Route'],
    ['status', 'Status'], ['upstream_status', 'Worker status'], ['error_type', 'Error'],
    ['stream', 'Streamed'], ['latency_ms', 'Latency ms'], ['ttfb_ms', 'TTFB ms'],
    ['prompt_tokens', 'Prompt tokens'], ['completion_tokens', 'Completion tokens'],
    ['total_tokens', 'Total tokens'], ['client_addr', 'Client'],
  ];

  function display(value) {
    if (value === null || value === undefined || value === '') return '–';
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    return String(value);
  }

  function renderFields(record) {
    const body = smg.byId('fields').tBodies[0];
    smg.clear(body);
    for (const [name, label] of fieldLabels) {
      body.append(smg.el('tr', {}, smg.el('th', {}, label), smg.el('td', { 'data-field': name }, display(record[name]))));
    }
  }

  // Bodies are text; JSON ones are shown indented.
  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (_) {
      return String(text);
    }
  }

  function renderContent(content, record, session, csrf) {
    const state = smg.byId('content-state');
    const bodies = smg.byId('content-bodies');
    const remove = smg.byId('delete-content');
    if (!content) {
      state.textContent = record.content && record.content.captured === false
        ? 'No content was captured for this request (or it was deleted).' : 'No captured content.';
      smg.show(bodies, false);
      smg.show(remove, false);
      return;
    }
    state.textContent = `Captured ${smg.formatTime(content.captured_at)}, kept until ${smg.formatTime(content.expires_at)}.`;
    smg.byId('request-body').textContent = pretty(content.request_body);
    smg.byId('response-body').textContent = pretty(content.response_body);
    smg.show(smg.byId('request-truncated'), content.request_truncated);
    smg.show(smg.byId('response-truncated'), content.response_truncated);
    smg.show(bodies, true);
    const mayDelete = smg.grantedDomains(session, 'content:capture', 'delete').includes(record.domain);
    smg.show(remove, mayDelete);
    remove.onclick = () => deleteContent(record.request_id, session, csrf);
  }

  function renderAudit(lines) {
    const list = smg.byId('audit');
    smg.clear(list);
    if (!lines.length) list.append(smg.el('li', { class: 'empty' }, 'No audit lines about this request.'));
    for (const line of lines) {
      list.append(smg.el('li', { class: 'mono' },
        [line.timestamp, line.outcome, line.principal, line.method, line.path, line.status]
          .map(display).join(' ')));
    }
  }

  async function deleteContent(requestId, session, csrf) {
    const button = smg.byId('delete-content');
    button.disabled = true;
    try {
      await smg.request(`/admin/reports/api/content-captures/${encodeURIComponent(requestId)}`, {
        method: 'DELETE', headers: { [csrf.header]: csrf.token },
      });
      smg.notice('Captured content deleted.', 'info');
      await load(requestId, session, csrf);
    } catch (error) {
      smg.notice(`Delete failed: ${error.type || error.message}`);
    } finally {
      button.disabled = false;
    }
  }

  async function load(requestId, session, csrf) {
    const evidence = await smg.api(`request-evidence?${new URLSearchParams({ request_id: requestId })}`);
    const record = evidence.request;
    renderFields(record);
    charts.timing(smg.byId('chart-timing'), record);
    renderContent(evidence.content, record, session, csrf);
    renderAudit(evidence.audit || []);
    document.body.dataset.loaded = 'true';
  }

  async function main() {
    const session = await smg.start();
    if (!session) return;
    const requestId = smg.currentParams().get('id') || '';
    smg.byId('request-id').textContent = requestId;
    if (!requestId) {
      smg.notice('No request id given.');
      return;
    }
    const csrf = { header: session.csrf_header, token: session.csrf_token };
    try {
      await load(requestId, session, csrf);
    } catch (error) {
      smg.notice(error.status === 404 ? 'No such request in your domains.' : smg.explain(error));
    }
  }

  document.addEventListener('DOMContentLoaded', main);
})();
