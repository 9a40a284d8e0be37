/**
 * serve's progress: a long-running server has no "section running" to draw a live line for, so it logs one plain
 * line every `--progress-interval` (default 30 s) with what it accepted and what became of it: webhooks received,
 * devices accepted (queued), waiting and being fetched, and per section fetched / pushed / failed. A line equal to
 * the last one is not repeated: an idle server stays quiet. In testmode the line goes to stderr directly (stdout
 * carries the payloads there, and a console handler may be configured for stdout), as the upload progress does.
 */
import { getLogger, plainLine, type Logger } from '../logging.js';
import type { ProgressStream } from '../pipeline/progress.js';

export interface ServeCounts {
  received: number;
  ignored: number;
  /** Devices queued (accepted webhooks, coalesced ones not counted twice). */
  queued: number;
  waiting: number;
  fetching: number;
  sections: Array<[string, { fetched: number; pushed: number; failed: number }]>;
}

export function serveProgressText(c: ServeCounts, testmode = false): string {
  const sections = c.sections.map(([name, t]) => `[${name}] fetched ${t.fetched}, ${testmode ? 'printed' : 'pushed'} ${t.pushed}, failed ${t.failed}`);
  return `progress: received ${c.received} webhook(s) (ignored ${c.ignored}), accepted ${c.queued} device(s), waiting ${c.waiting}, fetching ${c.fetching}` +
    (sections.length ? `; ${sections.join('; ')}` : '');
}

export interface ServeProgressOptions {
  /** Period of the line; 0 never logs one. */
  intervalMs: number;
  testmode: boolean;
  /** Runs `fn` every `ms` until the returned function is called (tests turn it by hand). */
  every?: (ms: number, fn: () => void) => () => void;
  stream?: ProgressStream;
  log?: Logger;
}

function systemEvery(ms: number, fn: () => void): () => void {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** Starts the periodic line; returns what stops it. */
export function startServeProgress(opts: ServeProgressOptions, counts: () => ServeCounts): () => void {
  if (opts.intervalMs <= 0) return () => undefined;
  const log = opts.log ?? getLogger('server');
  let last = '';
  return (opts.every ?? systemEvery)(opts.intervalMs, () => {
    const text = serveProgressText(counts(), opts.testmode);
    if (text === last) return;
    last = text;
    if (opts.testmode) (opts.stream ?? process.stderr).write(`${plainLine('info', 'server', text)}\n`);
    else log.info(text);
  });
}
