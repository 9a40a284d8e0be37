/**
 * `upload` starts a sandbox worker before it loads the rest of its modules, when the INI has snippets: the worker's
 * ~150-250 ms to open QuickJS then overlap the main thread's start-up (modules, logging, config, the Oomnitza round
 * trips) instead of following the config load, and the first batch goes out that much sooner (bench/README.md).
 * A glance at the file's text, not the config loader (which comes later): a section that turns out not to use the
 * snippets leaves the worker unused (it ends with the process), and one the glance missed starts its own as before.
 */
import fs from 'node:fs';
import { DEFAULT_LIMITS } from '../sandbox/sandbox.js';
import { SnippetWorker } from '../sandbox/workerHandle.js';

/** A record filter (`recordfilter:` / `recordfilter =`) or a [converters] section. */
const USES_SNIPPETS = /^[ \t]*(recordfilter[ \t]*[:=]|\[converters\])/im;

export function prestartSandbox(iniPath: string): void {
  // Already started (bin/connector's early start, src/cli/earlyStart.ts): the INI need not be read again.
  if (SnippetWorker.hasSpare) return;
  let text: string;
  try {
    text = fs.readFileSync(iniPath, 'utf8');
  } catch {
    return; // the config loader reports it
  }
  if (USES_SNIPPETS.test(text)) SnippetWorker.prestart(DEFAULT_LIMITS.memoryMb);
}
