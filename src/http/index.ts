/**
 * The HTTP source kit in one import: `import { fanOut, paginate, sessionLogin } from '../../http/index.js'`.
 * - clients: the section's HttpClient, derived per vendor API with `ctx.http.with({ baseUrl, auth, rateLimit })`
 * - auth providers (auth/), pagination strategies and the page loop (paginate/), rate-limit waits (rateLimit.ts)
 * - fan-out of detail calls (fanOut.ts), one in-flight bound for pages ahead and fan-out together (limit.ts), XML in xmltodict's shape (xml.ts), SOAP 1.1 envelopes (soap.ts), setting groups (settings.ts)
 * - big bodies read as they arrive: HttpClient.stream() and the items of a JSON list one by one (jsonItems.ts)
 */
export * from './types.js';
export { HttpClient } from './client.js';
export { observeRequests, type RequestObservation } from './observe.js';
export { Breaker, DEFAULT_SOURCE_BREAKER, isNoAnswer, SourceBreaker, SourceCircuitOpenError, type BreakerPolicy, type BreakerState } from './breaker.js';
export { HttpError, HttpPermanentError, HttpTransientError, displayUrl, safeUrl, serverErrorText, errorTextAt } from './httpError.js';
export { nodeTlsOptions } from './tls.js';
export * from './auth/index.js';
export * from './paginate/index.js';
export { DEFAULT_RATE_LIMIT, rateLimitWait, resetDelay } from './rateLimit.js';
export { fanOut, isAuthFailure, type FanOutOptions } from './fanOut.js';
export { limitConcurrency, type LimitedClient } from './limit.js';
export { parseXml } from './xml.js';
export { CookieJar } from './cookies.js';
export { asList, isXmlText, parseSoap, soapEnvelope, soapFaultText, soapHeaders, textOf, wsseUsernameToken, type SoapFault, type SoapMessage } from './soap.js';
export { jsonItems, JsonItemScanner, JsonTextError, type JsonItemScannerOptions, type JsonPosition } from './jsonItems.js';
export * from './settings.js';
export { isIsoInstant, readClock, readSinceWatermark, WATERMARK_OVERLAP_MS, type ReadClock, type WatermarkedRead } from './incremental.js';
