/**
 * `connector render [--native] [--context FILE.json] <template>`: renders one template exactly as a managed run
 * does (same engine, sandbox and context rules: keys ending in `_response_headers` are case-insensitive maps),
 * for admins who debug an integration definition from the Oomnitza cloud.
 * Exit codes: 0 rendered; 1 the template failed (an error it raised, or a time/memory limit); 2 a syntax error
 * (with line and column) or a bad --context file.
 */
import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { TemplateRenderError, TemplateSyntaxError, type TemplateContext } from '../managed/template/types.js';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

export interface RenderOptions {
  native?: boolean;
  /** Path of a JSON file holding the context object; `-` reads standard input. */
  context?: string;
}

interface Output {
  write(text: string): unknown;
}

export function addRenderCommand(program: Command, run: (code: Promise<number>) => void): void {
  program
    .command('render')
    .description('render one managed-mode (Jinja2) template with the engine and context rules of a managed run')
    .argument('<template>', 'the template text itself, e.g. "{{ list_response.value|length }}"')
    .option('--native', 'native rendering (as for `result`, `break_early`, mappings): print the value as JSON')
    .option('--context <file>', 'JSON file with the rendering context, an object (`-`: standard input)')
    .action((template: string, opts: RenderOptions) => run(renderCommand(template, opts)));
}

export async function renderCommand(
  template: string,
  opts: RenderOptions,
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<number> {
  let context: TemplateContext = {};
  if (opts.context !== undefined) {
    const loaded = await readContext(opts.context);
    if (typeof loaded === 'string') {
      err.write(`connector render: --context ${opts.context}: ${loaded}\n`);
      return EXIT_USAGE;
    }
    context = loaded;
  }
  // Loaded here, not at the top: every other command of the CLI would pay for the engine's modules at start-up.
  const { createTemplateEngine } = await import('../managed/template/engine.js');
  const engine = await createTemplateEngine();
  try {
    const value = await engine.render(template, context, opts.native ? 'native' : 'string');
    out.write(opts.native ? `${JSON.stringify(value)}\n` : String(value));
    return 0;
  } catch (e) {
    if (e instanceof TemplateSyntaxError) {
      err.write(`connector render: template syntax error at line ${e.line}, column ${e.column}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof TemplateRenderError) {
      err.write(`connector render: the template failed${e.limit ? ` (${e.limit} limit)` : ''}: ${e.message}\n`);
      return EXIT_FAILED;
    }
    throw e;
  } finally {
    await engine.close();
  }
}

/** The context object, or the reason it cannot be used. */
async function readContext(file: string): Promise<TemplateContext | string> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await fs.readFile(file, 'utf8');
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `is not valid JSON (${(e as Error).message})`;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'must hold a JSON object (the names a template sees)';
  return data as TemplateContext;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
