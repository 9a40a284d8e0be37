/**
 * What bin/connector runs before it loads the CLI (a bundle entry of its own: scripts/bundle.mjs). An `upload` whose
 * INI has snippets starts its sandbox worker here, ~30 ms sooner than the CLI could (after loading commander and
 * parsing): the worker's ~90-110 ms to open QuickJS were often what the first batch waited for, up to 36 ms after
 * the server mappings had arrived (bench/README.md, issue 19).
 *
 * A glance at argv, not commander's parse (that comes later): a wrong guess costs at most an unused worker (it is
 * unref'd and ends with the process) or nothing (upload starts one itself when none was started ahead).
 */

/** Loads the sandbox's modules only for an upload: `version` and `--help` load nothing more than before. */
export async function startEarly(args: readonly string[]): Promise<void> {
  if (!args.includes('upload')) return;
  const { prestartSandbox } = await import('./prestartSandbox.js');
  prestartSandbox(iniOf(args) ?? './config.ini');
}

/** The value of the first --ini (`--ini x` or `--ini=x`), as commander reads it. */
function iniOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--ini') return args[i + 1];
    if (args[i].startsWith('--ini=')) return args[i].slice('--ini='.length);
  }
  return undefined;
}
