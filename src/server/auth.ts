/**
 * Who may send webhooks for a section: an optional address allow-list and optional credentials (a shared token,
 * HTTP Basic, or both: then either one is enough, since a webhook (e.g. Jamf Pro's) carries one authentication type).
 * The original server accepted anything; its README told admins to firewall it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { ConfigError } from '../errors.js';
import type { WebhookSettings } from '../sources/webhookSettings.js';

/** Why a request was refused: a kind per log line (throttledLog.ts), the reason for the admin. */
export type AuthResult = { ok: true } | { ok: false; kind: 'address' | 'no credentials' | 'wrong credentials'; reason: string };

export interface SectionGuard {
  readonly requiresAuth: boolean;
  /** HTTP Basic is one of the accepted credentials (then refusals carry a Basic challenge). */
  readonly acceptsBasic: boolean;
  check(req: IncomingMessage, url: URL): AuthResult;
}

/** Compares through fixed-length digests so neither the length nor the content leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** IPv4 clients on a dual-stack socket appear as `::ffff:10.0.0.1`. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function allowList(entries: string[], section: string): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 4 ? 32 : 128;
    if (!family || extra !== undefined || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > maxBits))) {
      throw new ConfigError({ section, key: 'allowed_ips' }, `"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, ::1)`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return list;
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-webhook-token'];
  if (typeof header === 'string' && header) return header;
  const auth = req.headers.authorization;
  if (auth && /^bearer /i.test(auth)) return auth.slice(7).trim();
  return url.searchParams.get('token') ?? undefined;
}

function basicOf(req: IncomingMessage): { user: string; password: string } | undefined {
  const auth = req.headers.authorization;
  if (!auth || !/^basic /i.test(auth)) return undefined;
  const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Validates the settings (ConfigError naming the key) and returns the section's request check. */
export function createGuard(settings: WebhookSettings, section: string): SectionGuard {
  const allowed = allowList(settings.allowed_ips, section);
  const token = settings.webhook_token;
  const { webhook_username: user, webhook_password: password } = settings;
  if (user && !password) throw new ConfigError({ section, key: 'webhook_password' }, `webhook_username "${user}" needs its webhook_password`);
  if (password && !user) throw new ConfigError({ section, key: 'webhook_username' }, 'webhook_password is set but webhook_username is empty');
  const basic = Boolean(user);
  const requiresAuth = Boolean(token) || basic;

  return {
    requiresAuth,
    acceptsBasic: basic,
    check(req, url) {
      const remote = plainAddress(req.socket.remoteAddress ?? '');
      if (allowed && !(isIP(remote) && allowed.check(remote, isIP(remote) === 4 ? 'ipv4' : 'ipv6'))) {
        return { ok: false, kind: 'address', reason: `address ${remote || 'unknown'} is not in allowed_ips` };
      }
      if (!requiresAuth) return { ok: true };
      const given = tokenOf(req, url);
      if (token && given !== undefined && sameSecret(given, token)) return { ok: true };
      const credentials = basicOf(req);
      if (basic && credentials && sameSecret(credentials.user, user) && sameSecret(credentials.password, password)) return { ok: true };
      const presented = given !== undefined || credentials !== undefined;
      return presented
        ? { ok: false, kind: 'wrong credentials', reason: 'wrong webhook credentials' }
        : { ok: false, kind: 'no credentials', reason: 'no webhook credentials' };
    },
  };
}
