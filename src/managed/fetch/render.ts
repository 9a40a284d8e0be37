/**
 * Rendering a step's templates against a context. Two rules keep it cheap (jinja.md: moving a context into the
 * sandbox costs far more than a render):
 * - a step's templates render against one scope (one conversion of the context);
 * - the scope holds only the context variables the templates name. A Jinja template can reach a context variable
 *   only by writing its name (there is no `vars()`, no dynamic lookup of the context), so leaving out the others
 *   changes no result, and a detail call no longer carries the whole page (`list_response`) into the sandbox for
 *   every item;
 * - templates that are only text and plain lookups do not go to the sandbox at all (shortcuts.ts).
 */
import type { RenderMode, TemplateContext, TemplateEngine } from '../template/types.js';
import type { Context } from './context.js';
import { knownNative, knownString } from './shortcuts.js';

export interface Template {
  template: unknown;
  mode: RenderMode;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;
const namesCache = new Map<string, Set<string>>();
const MAX_CACHED = 2000;

/** Every identifier in a template's text (a superset of the variables it reads). */
function namesIn(template: string): Set<string> {
  let names = namesCache.get(template);
  if (!names) {
    names = new Set(template.match(IDENTIFIER) ?? []);
    if (namesCache.size >= MAX_CACHED) namesCache.clear();
    namesCache.set(template, names);
  }
  return names;
}

export class Renderer {
  constructor(private readonly engine: TemplateEngine) {}

  /** Renders every template of one step against `context`; results in the order given. */
  async all(context: Context, templates: Template[]): Promise<unknown[]> {
    const results: unknown[] = new Array(templates.length);
    const pending: number[] = [];
    for (let i = 0; i < templates.length; i++) {
      const { template, mode } = templates[i];
      if (typeof template !== 'string') results[i] = mode === 'native' ? (template ?? null) : await this.str(template);
      else {
        const known = mode === 'string' ? knownString(template, context) : knownNative(template, context);
        if (known === undefined) pending.push(i);
        else results[i] = typeof known === 'string' ? known : known.value;
      }
    }
    // The scope is built only when a template needs the sandbox: most per-item steps are shortcuts.
    const picked = pending.length ? pick(context, templates.filter((t) => typeof t.template === 'string').map((t) => t.template as string)) : {};
    if (pending.length === 1) {
      const i = pending[0];
      results[i] = await this.engine.render(templates[i].template as string, picked, templates[i].mode);
    } else if (pending.length > 1) {
      const scope = await this.engine.scope(picked);
      try {
        for (const i of pending) results[i] = await scope.render(templates[i].template as string, templates[i].mode);
      } finally {
        await scope.release();
      }
    }
    return results;
  }

  async one(context: Context, template: unknown, mode: RenderMode): Promise<unknown> {
    return (await this.all(context, [{ template, mode }]))[0];
  }

  /** Python str() of a value that is not a template (a JSON number or list where the cloud put a value). */
  async str(value: unknown): Promise<string> {
    if (value === null || value === undefined) return 'None';
    if (value === true) return 'True';
    if (value === false) return 'False';
    if (typeof value === 'string') return value;
    return String(await this.engine.render('{{ v }}', { v: value }, 'string'));
  }
}

function pick(context: Context, texts: string[]): TemplateContext {
  const out: TemplateContext = {};
  for (const text of texts) {
    for (const name of namesIn(text)) if (Object.hasOwn(context, name) && context[name] !== undefined) out[name] = context[name];
  }
  return out;
}
