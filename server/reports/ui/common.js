// Shared by every reports page: the JSON API client, the session (who, grants, CSRF token),
// the header (who is signed in, log out) and small DOM helpers. Every value from the API is
// written with textContent or setAttribute, never parsed as HTML.
'use strict';

const smg = (() => {
  const apiBase = '/admin/reports/api/';

  class ApiError extends Error {
    constructor(status, type) {
      super(type ? `${type} (HTTP ${status})` : `HTTP ${status}`);
      this.status = status;
      this.type = type;
    }
  }

  async function request(url, options = {}) {
    const response = await fetch(url, { credentials: 'same-origin', ...options });
    if (response.ok) return response;
    let type = '';
    try {
      const body = await response.json();
      type = body && body.error ? String(body.error.type) : '';
    } catch (_) {
      type = '';
    }
    throw new ApiError(response.status, type);
  }

  async function api(path, options = {}) {
    const response = await request(apiBase + path, options);
    return response.json();
  }

  // el('td', {class: 'num'}, '12', otherNode): text children become text nodes.
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== undefined && value !== null) node.setAttribute(name, String(value));
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function show(node, visible) {
    node.classList.toggle('hidden', !visible);
  }

  function notice(message, kind = 'error') {
    const box = byId('notice');
    box.textContent = message;
    box.classList.remove('error', 'info');
    box.classList.add(kind);
    show(box, true);
  }

  function explain(error) {
    if (error instanceof ApiError && error.status === 401) {
      return 'Your session has ended. Sign in again at /admin/auth/login.';
    }
    if (error instanceof ApiError && error.status === 403) {
      return `Not allowed: ${error.type || 'forbidden'}.`;
    }
    return `Could not load the report: ${error.message}`;
  }

  // The page's query string as a URLSearchParams, minus empty values.
  function currentParams() {
    const params = new URLSearchParams(window.location.search);
    for (const [name, value] of [...params.entries()]) {
      if (value === '') params.delete(name);
    }
    return params;
  }

  function formatNumber(value, digits = 0) {
    if (value === null || value === undefined || Number.isNaN(Number(value))) return '–';
    return Number(value).toLocaleString('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  }

  function formatPercent(rate) {
    return `${formatNumber(Number(rate) * 100, 1)} %`;
  }

  function formatTime(iso) {
    return String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  function grantedDomains(session, object, action) {
    const grants = session && session.grants && session.grants[object];
    return grants && Array.isArray(grants[action]) ? grants[action] : [];
  }

  // Ends the session and leaves nothing of the report on screen; reloading would only fetch a
  // 401, so the page says what happened and links to a new sign-in instead.
  async function logout() {
    try {
      await request('/admin/auth/logout', { method: 'POST' });
    } catch (error) {
      notice(`Log out failed: ${error.message}`);
      return;
    }
    const main = byId('main');
    clear(main);
    main.append(el('section', { class: 'signed-out', id: 'signed-out' },
      el('h1', {}, 'You are signed out.'),
      el('p', {}, el('a', { href: '/admin/auth/login', class: 'button' }, 'Sign in again'))));
    byId('who').textContent = '';
    show(byId('logout'), false);
  }

  // Loads the session and fills the header; resolves to the session (null when refused).
  async function start() {
    const page = document.body.dataset.page;
    for (const link of document.querySelectorAll('[data-nav]')) {
      if (link.dataset.nav === page || (page === 'request' && link.dataset.nav === 'requests')) {
        link.classList.add('current');
        link.setAttribute('aria-current', 'page');
      }
    }
    byId('logout').addEventListener('click', logout);
    try {
      const session = await api('session');
      byId('who').textContent = `${session.subject} · ${session.domain}`;
      return session;
    } catch (error) {
      notice(explain(error));
      return null;
    }
  }

  return {
    ApiError, api, request, el, clear, byId, show, notice, explain, currentParams,
    formatNumber, formatPercent, formatTime, grantedDomains, start,
  };
})();
