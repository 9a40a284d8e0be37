/**
 * The contract between managed mode and its template engine: the Oomnitza cloud describes every SaaS call with
 * Jinja2 templates (see ../shared/reference/jinja.md). Templates are untrusted code: they render inside the
 * QuickJS sandbox with time and memory limits. A limit hit or a runtime error fails the item or page being
 * rendered, never the process.
 */

/** What a template can see: list_response, list_response_headers, iteration, inputs, ... (JSON values). */
export type TemplateContext = Record<string, unknown>;

export type RenderMode = 'string' | 'native';

export interface TemplateLimits {
  /** Wall-clock limit for one render (or one page of renders). */
  timeMs: number;
  /** Memory cap of the sandbox runtime. */
  memoryMb: number;
}

/**
 * One context converted into the sandbox once, then many renders against it (a page of items is rendered
 * against one context; converting the context per render is 20x slower, jinja.md).
 */
export interface ContextScope {
  /** String mode: Python str() of the pieces. Native mode: the value itself (see jinja.md, native rules). */
  render(template: string, mode: RenderMode): Promise<unknown>;
  /** Frees the context inside the sandbox. */
  release(): Promise<void>;
}

export interface TemplateEngine {
  /** Renders one template against one context. */
  render(template: string, context: TemplateContext, mode: RenderMode): Promise<unknown>;
  /** Converts `context` into the sandbox once for several renders. */
  scope(context: TemplateContext): Promise<ContextScope>;
  close(): Promise<void>;
}

/** A template that cannot be parsed: `line`/`column` (1-based) point at the error. */
export class TemplateSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

/** A render that failed: an exception raised by the template, or a time/memory limit (`limit` says which). */
export class TemplateRenderError extends Error {
  constructor(message: string, readonly limit?: 'time' | 'memory') {
    super(message);
    this.name = 'TemplateRenderError';
  }
}
