/**
 * Cisco IoT Control Center (formerly Jasper) Terminal API over SOAP 1.1, on the HTTP kit: the client retries,
 * waits out rate limits and explains failures; the kit's page loop pages GetModifiedTerminals.
 * - Every request carries a WS-Security UsernameToken (username, password) in the SOAP header and the API license
 *   key as `licenseKey` in the request element, with `messageId` and `version` (RequestType of JasperAPI.xsd).
 * - GetModifiedTerminals(since, pageNumber): the ICCIDs of the terminals modified after `since` (not inclusive),
 *   oldest change first, a page at a time (`totalPages`); every response has the server's `timestamp`.
 * - GetTerminalDetails(iccids): at most 50 ICCIDs per request; terminals not found are left out of the answer.
 * - Faults come as HTTP 500 with the error code in faultstring: 400100 bad license key, 400200 bad user name or
 *   password, 400201 access violation, 400101 over the license's rate limit, 400300 internal error.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging.js';
import { ConfigError, PermanentError } from '../../errors.js';
import {
  asList, pageNumber, paginate, parseSoap, soapEnvelope, soapFaultText, soapHeaders, textOf, wsseUsernameToken,
  type FailedRequest, type FailureKind, type HttpClient, type HttpResponse, type RateLimitPolicy,
} from '../../http/index.js';
import { loadTerminalService, type TerminalService, type WsdlLocation } from './wsdl.js';

/** Namespace of the request and response elements (JasperAPI.xsd). */
export const JASPER_NS = 'http://api.jasperwireless.com/ws/schema';
/** The original's `since` when there is no watermark yet. */
export const DEFAULT_SINCE = '2015-03-04T00:00:00Z';
/** GetTerminalDetails takes at most 50 ICCIDs ("maximum limit is 50 for performance reasons"). */
export const DETAILS_BATCH = 50;
/** The original gave suds a 600 s timeout: details of 50 terminals can take long on a busy account. */
const TIMEOUT_MS = 600_000;
const API_VERSION = '1.0';
const OPERATIONS = ['GetModifiedTerminals', 'GetTerminalDetails'];

export interface ControlCenterOptions {
  http: HttpClient;
  wsdl: WsdlLocation;
  section: string;
  username: string;
  password: string;
  licenseKey: string;
  rateLimit: Partial<RateLimitPolicy>;
  log: Logger;
  signal: AbortSignal;
}

/** A listing of modified terminals, read page by page as the ICCIDs are consumed. */
export interface ModifiedTerminals {
  iccids: AsyncGenerator<string>;
  /** The server's `timestamp` of the first page (its clock when the listing began); undefined until it is read. */
  listedAt(): string | undefined;
}

const FAULT_CODE = /^SOAP fault (\d+)\b/;

/** Fault codes whose meaning does not depend on faultcode (Client or Server). */
const FAULT_KINDS: Readonly<Record<string, FailureKind>> = {
  400100: 'fail', 400200: 'fail', 400201: 'fail', 400101: 'rate-limited', 400300: 'retry',
};

/** What a SOAP fault is: rate limit, worth a retry, or final. Undefined for a response that is no SOAP fault. */
export function classifyJasperFailure(response: HttpResponse): FailureKind | undefined {
  if (!/Fault/.test(response.text)) return undefined;
  try {
    const { fault } = parseSoap(response.text);
    if (!fault) return undefined;
    return FAULT_KINDS[fault.message.trim()] ?? (/Server$/i.test(fault.code) ? 'retry' : 'fail');
  } catch {
    return undefined;
  }
}

/** The server's explanation of a failed request: "SOAP fault 400200: Security validation error. ...". */
export function jasperErrorText(body: string): string | undefined {
  const text = soapFaultText(body);
  return text === undefined ? undefined : `SOAP fault ${text}`;
}

/** What a final failure means for the admin: the setting to check, or the access the user lacks. */
export function explainJasperFailure(section: string, username: string) {
  return (f: FailedRequest): Error | undefined => {
    const code = FAULT_CODE.exec(f.said)?.[1];
    if (code === '400200' || f.status === 401) {
      return new ConfigError({ section, key: 'password' }, `Control Center refused user "${username}" or its password (${f.said || `HTTP ${f.status}`}); check username and password`);
    }
    if (code === '400100') {
      return new ConfigError({ section, key: 'api_token' }, `Control Center refused the API license key (${f.said}); check api_token`);
    }
    if (code === '400201' || f.status === 403) {
      return new PermanentError(`Control Center: user "${username}" may not read this (${f.said || `HTTP ${f.status}`}); the user needs API access to the account that owns the SIMs`);
    }
    return undefined;
  };
}

export class ControlCenter {
  private readonly api: HttpClient;
  private service?: Promise<TerminalService>;

  constructor(private readonly o: ControlCenterOptions) {
    this.api = o.http.with({
      timeoutMs: TIMEOUT_MS,
      rateLimit: o.rateLimit,
      errorText: jasperErrorText,
      classifyFailure: classifyJasperFailure,
      explainFailure: explainJasperFailure(o.section, o.username),
    });
  }

  /** The endpoint and SOAPActions from the WSDL, read once. */
  terminalService(): Promise<TerminalService> {
    this.service ??= loadTerminalService(this.o.wsdl, this.o.http, this.o.section, OPERATIONS, this.o.signal);
    this.service.catch(() => (this.service = undefined));
    return this.service;
  }

  /** The ICCIDs of the terminals modified after `since`, every page of them. */
  modifiedTerminals(since: string): ModifiedTerminals {
    let listedAt: string | undefined;
    const self = this;
    async function* iccids(): AsyncGenerator<string> {
      const service = await self.terminalService();
      yield* paginate<string>(self.api, {
        path: service.endpoint,
        method: 'POST',
        headers: soapHeaders(service.actions.GetModifiedTerminals),
        body: { since },
        encodeBody: (b) => self.envelope('GetModifiedTerminals', b as { since: string; pageNumber: number }),
        decode: (res) => self.payload(res, 'GetModifiedTerminalsResponse'),
        items: (page) => {
          const body = page.body as Record<string, unknown>;
          if (page.index === 0) listedAt = textOf(body.timestamp).trim() || undefined;
          return asList((body.iccids as Record<string, unknown> | null)?.iccid).map((i) => textOf(i).trim()).filter(Boolean);
        },
        strategy: pageNumber({ start: 1, page: { body: 'pageNumber' } }),
        // A Control Center that does not page (no totalPages) sends every ICCID at once.
        stop: (page) => page.index + 1 >= totalPages(page.body),
        signal: self.o.signal,
      });
    }
    return { iccids: iccids(), listedAt: () => listedAt };
  }

  /** The `terminal` elements of up to DETAILS_BATCH ICCIDs (terminals not found are missing). */
  async terminalDetails(iccids: string[]): Promise<Array<Record<string, unknown>>> {
    const service = await this.terminalService();
    const res = await this.api.request('POST', service.endpoint, {
      headers: soapHeaders(service.actions.GetTerminalDetails),
      body: this.envelope('GetTerminalDetails', { iccids: { iccid: iccids } }),
      signal: this.o.signal,
    });
    const payload = this.payload(res, 'GetTerminalDetailsResponse') as Record<string, unknown>;
    return asList<Record<string, unknown>>((payload.terminals as Record<string, unknown> | null)?.terminal).filter((t) => t && typeof t === 'object');
  }

  /** A request of `operation`: WS-Security header, then messageId, version and licenseKey before its own fields. */
  private envelope(operation: string, fields: Record<string, unknown>): string {
    return soapEnvelope({
      header: wsseUsernameToken(this.o.username, this.o.password),
      body: {
        [`${operation}Request`]: {
          '@xmlns': JASPER_NS,
          messageId: randomUUID(),
          version: API_VERSION,
          licenseKey: this.o.licenseKey,
          ...fields,
        },
      },
    });
  }

  /** The response element of a 2xx answer; a fault or another element is an error naming the request. */
  private payload(res: HttpResponse, element: string): unknown {
    const where = `[${this.o.section}] POST ${res.url}`;
    let message;
    try {
      message = parseSoap(res.text);
    } catch (err) {
      throw new PermanentError(`${where}: the answer is not a SOAP message (${(err as Error).message})`);
    }
    if (message.fault) throw new PermanentError(`${where}: SOAP fault ${message.fault.message} (${message.fault.code})`);
    const payload = message.body[element];
    if (!payload || typeof payload !== 'object') throw new PermanentError(`${where}: the answer has no ${element}`);
    return payload;
  }
}

function totalPages(body: unknown): number {
  const n = Number(textOf((body as Record<string, unknown>).totalPages));
  return Number.isInteger(n) && n > 0 ? n : 1;
}
