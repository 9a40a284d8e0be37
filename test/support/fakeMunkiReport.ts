/**
 * A MunkiReport test server for `[munki_report]`, as munkireport-php 5 behaves (app/controllers/Datatables.php,
 * app/lib/munkireport/Tablequery.php, the auth controller):
 * - POST /index.php?/auth/login (form `login`, `password`): right -> 302 to index.php?/show/dashboard with a new
 *   PHPSESSID (the session id is regenerated on login); wrong -> 200, the login page again. Every HTML page sets a
 *   CSRF-TOKEN cookie bound to the session when the request did not carry it.
 * - POST /index.php?/datatables/data (form `columns[i][name]`, optional `start`/`length`, -1 = all): without an
 *   authenticated session, or without the session's CSRF token in `x-csrf-token`, 403 {"error": "Authenticate
 *   first"}; otherwise {draw, recordsTotal, recordsFiltered, data: [[...], ...]} with values in the order of the
 *   columns (and `sql` when `debug`); an unknown column is HTTP 200 with `error` (the controller's catch).
 * - `throttle` answers 429 with Retry-After (a proxy in front of it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMunkiReportOptions {
  machines?: number;
  /** Send `sql` with the data, as MunkiReport does in debug mode. */
  debug?: boolean;
}

export interface FakeMunkiReport {
  url: string;
  username: string;
  password: string;
  log: string[];
  statuses: number[];
  logins: number;
  /** Bodies of the data requests, decoded. */
  dataForms: Array<Record<string, string>>;
  value(i: number, column: string): unknown;
  /** Every session so far ends after `requests` more data requests (the next one answers 403). */
  expireSessions(requests?: number): void;
  throttle(times: number, retryAfter: string): void;
  close(): Promise<void>;
}

const TABLES: Record<string, (i: number) => Record<string, unknown>> = {
  machine: (i) => ({ serial_number: `C02MR${i}`, hostname: `mac-${i}.example.com`, machine_desc: 'MacBook Pro (14-inch, 2023)', os_version: 140000 + i, machine_model: 'Mac14,5' }),
  reportdata: (i) => ({ serial_number: `C02MR${i}`, timestamp: 1764500000 + i, console_user: `user${i}`, remote_ip: `192.168.10.${i}` }),
  munkireport: (i) => ({ serial_number: `C02MR${i}`, manifestname: i % 2 ? 'site_default' : null }),
  warranty: (i) => ({ serial_number: `C02MR${i}`, purchase_date: `2023-0${(i % 9) + 1}-15` }),
};

export function munkiValue(i: number, column: string): unknown {
  const [table, name] = column.split('.');
  const row = TABLES[table]?.(i);
  if (!row || !(name in row)) throw new Error(`SQLSTATE[42S22]: Column not found: 1054 Unknown column '${column}' in 'field list'`);
  return row[name];
}

export async function startFakeMunkiReport(opts: FakeMunkiReportOptions = {}): Promise<FakeMunkiReport> {
  const total = opts.machines ?? 5;
  const username = 'oomnitza';
  const password = 'munki-pass-2468';
  const sessions = new Map<string, { user?: string; csrf?: string }>();
  const log: string[] = [];
  const statuses: number[] = [];
  const dataForms: Array<Record<string, string>> = [];
  const state = { logins: 0, n: 0, expireIn: Infinity, throttleLeft: 0, retryAfter: '1' };

  const cookiesOf = (req: http.IncomingMessage) => Object.fromEntries((req.headers.cookie ?? '').split(/;\s*/).filter(Boolean).map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));
  const newSession = () => {
    const id = `sess${++state.n}${Math.random().toString(36).slice(2, 10)}`;
    sessions.set(id, {});
    return id;
  };
  const send = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}) => {
    statuses.push(status);
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    send(res, status, JSON.stringify(body), { ...headers, 'content-type': 'application/json' });
  /** An HTML page: the session cookie when new, and the CSRF-TOKEN cookie when the browser lacks it. */
  const page = (res: http.ServerResponse, req: http.IncomingMessage, id: string, status: number, html: string, extra: Record<string, string> = {}) => {
    const session = sessions.get(id)!;
    session.csrf ??= `csrf${Math.random().toString(36).slice(2, 14)}`;
    const cookies: string[] = [];
    if (cookiesOf(req).PHPSESSID !== id) cookies.push(`PHPSESSID=${id}; path=/; HttpOnly`);
    if (cookiesOf(req)['CSRF-TOKEN'] !== session.csrf) cookies.push(`CSRF-TOKEN=${session.csrf}; path=/`);
    send(res, status, html, { ...(cookies.length ? { 'set-cookie': cookies } : {}), ...extra });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const route = `${req.method} ${req.url}`;
      log.push(route);
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const sid = cookiesOf(req).PHPSESSID;
      const session = sid ? sessions.get(sid) : undefined;
      if (route === 'POST /index.php?/auth/login') {
        if (form.login !== username || form.password !== password) {
          return page(res, req, session ? sid! : newSession(), 200, '<html><body><form>Wrong username or password</form></body></html>');
        }
        state.logins++;
        if (sid) sessions.delete(sid);
        const id = newSession();
        sessions.get(id)!.user = username;
        // No CSRF cookie here: the dashboard sets it, so a client that stops at the redirect has none.
        statuses.push(302);
        res.writeHead(302, { location: '/index.php?/show/dashboard', 'set-cookie': [`PHPSESSID=${id}; path=/; HttpOnly`] });
        return res.end();
      }
      if (route === 'GET /index.php?/show/dashboard') {
        if (!session?.user) return send(res, 302, '', { location: '/index.php?/auth/login' });
        return page(res, req, sid!, 200, '<html><body>Dashboard</body></html>');
      }
      if (route === 'POST /index.php?/datatables/data') {
        dataForms.push(form);
        if (state.expireIn-- <= 0) {
          for (const s of sessions.values()) s.user = undefined;
          state.expireIn = Infinity;
        }
        if (!session?.user || !session.csrf || req.headers['x-csrf-token'] !== session.csrf) return json(res, 403, { error: 'Authenticate first' });
        if (state.throttleLeft > 0) {
          state.throttleLeft--;
          return json(res, 429, { error: 'Too many requests' }, { 'retry-after': state.retryAfter });
        }
        const columns: string[] = [];
        for (let i = 0; form[`columns[${i}][name]`] !== undefined; i++) columns.push(form[`columns[${i}][name]`].replace(/[^a-zA-Z0-9._]/g, ''));
        const start = Number(form.start ?? 0);
        const length = Number(form.length ?? -1);
        const ids = Array.from({ length: total }, (_, k) => k + 1).slice(start, length === -1 ? undefined : start + length);
        try {
          const data = ids.map((i) => columns.map((c) => munkiValue(i, c)));
          const tables = ['reportdata', ...new Set(columns.map((c) => c.split('.')[0]).filter((t) => t !== 'reportdata'))];
          const sql = `SELECT ${columns.map((c) => c.split('.').map((p) => `\`${p}\``).join('.')).join(',')}        FROM ${tables[0]}${tables.slice(1).map((t) => ` LEFT JOIN ${t} USING (serial_number)`).join('')}                 ${length === -1 ? '' : `LIMIT ${start},${length}`}        `;
          return json(res, 200, { draw: 0, data, recordsTotal: total, recordsFiltered: total, ...(opts.debug ? { sql } : {}) });
        } catch (err) {
          return json(res, 200, { error: (err as Error).message, draw: 0 });
        }
      }
      return send(res, 404, '<html>Not found</html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    username, password, log, statuses, dataForms,
    get logins() { return state.logins; },
    value: munkiValue,
    expireSessions(requests = 0) { state.expireIn = requests; },
    throttle(times, retryAfter) { state.throttleLeft = times; state.retryAfter = retryAfter; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
