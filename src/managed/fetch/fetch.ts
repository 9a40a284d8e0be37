/**
 * The fetch algorithm (§9): exploratory → pre-list → list levels, each a page loop with cancel checks,
 * break_early/add_if, MAX_ITERATIONS; the list level's items in batches of 100 with detail/software/saas per item,
 * fanned out with bounded concurrency (order kept). Failures are classified by the outermost level's page counter.
 */
import { fanOut } from '../../http/index.js';
import { LEVELS, type Context, type LevelKind } from './context.js';
import { errorChain } from '../../errors.js';
import { errorText, ItemProcessor } from './items.js';
import { isDict, KeyError, pyIter, truthy } from './python.js';
import { Renderer } from './render.js';
import { SaasCaller } from './request.js';
import type { Behaviour, FetchEvent, FetchInput, FetchedItem, ListAuthorization } from './types.js';

export const BATCH_SIZE = 100;
export const TEST_RUN_ITEMS = 10;
export const MAX_ITERATIONS = 1000;
export const FIRST_PAGE_FAILED = (e: string) => `Failed to fetch the first block of data. The error is: ${e}. The further processing is impossible`;
export const LATER_PAGE_FAILED = (e: string) => `Failed to fetch the next block of data. The error is: ${e}. The further processing is impossible`;
export const MAX_ITERATIONS_FAILED = 'Connector exceeded processing limit. The error is: Reached max iterations';

/** How a level ended: 'stop' is a test run that has its batch (every level stops). */
type LevelEnd = 'done' | 'canceled' | 'empty-first-page' | 'stop';

class MaxIterationsReached extends Error {
  constructor() {
    super('Reached max iterations');
    this.name = 'MaxIterationsReached';
  }
}

/** What the list level's page loop hands to the fan-out: an item of a page (index within the page), or the end. */
type Feed = { item: unknown; context: Context; index: number } | { end: LevelEnd } | { error: unknown };

/** An error of the outermost level's page `counter` (or of a level inside it): first or later page. */
function classify(err: unknown, counter: number): unknown {
  if (err instanceof StageFailure) return err;
  return new StageFailure(counter === 0 ? 'first-page' : 'later-page', err);
}

class StageFailure extends Error {
  constructor(readonly stage: 'first-page' | 'later-page', readonly failure: unknown) {
    super(stage === 'first-page' ? FIRST_PAGE_FAILED(errorText(failure)) : LATER_PAGE_FAILED(errorText(failure)), { cause: failure });
  }
}

export async function* fetchIntegration(input: FetchInput): AsyncGenerator<FetchEvent> {
  const run = new Run(input);
  let end: LevelEnd;
  try {
    end = yield* run.start();
  } catch (err) {
    if (input.signal?.aborted) throw input.signal.reason;
    if (err instanceof StageFailure) yield { kind: 'failed', stage: err.stage, message: err.message, detail: errorChain(err.failure) };
    else if (err instanceof MaxIterationsReached) yield { kind: 'failed', stage: 'max-iterations', message: MAX_ITERATIONS_FAILED, detail: errorChain(err) };
    else throw err;
    return;
  }
  yield { kind: 'end', outcome: end === 'stop' ? 'done' : end };
}

/** §11.8: the one list request of an is_custom test run; its JSON body, or undefined when the body is not JSON. */
export async function fetchTestResponse(input: FetchInput): Promise<unknown> {
  const run = new Run(input);
  const context = await run.baseContext();
  const behaviour = input.integration.list_behavior;
  if (!isDict(behaviour)) throw new KeyError('list_behavior');
  const { request } = await run.saas.build(behaviour, context);
  const reply = await run.saas.send(request, context);
  try {
    return JSON.parse(reply.text);
  } catch {
    return undefined;
  }
}

/**
 * §14 basic_connector: the run's inputs (cloud inputs rendered as strings, local inputs over them, §8.1) and the SaaS
 * auth the original computes for `list_behavior` (its request rendered, then static / session login / O12).
 */
export async function listAuthorization(input: FetchInput): Promise<ListAuthorization> {
  const run = new Run(input);
  const context = await run.baseContext();
  const behaviour = input.integration.list_behavior;
  if (!isDict(behaviour)) throw new KeyError('list_behavior');
  const { request } = await run.saas.build(behaviour, context);
  const auth = await run.saas.authorization(request, context);
  return { inputs: context.inputs as Record<string, unknown>, headers: { ...auth.headers }, params: { ...auth.params } };
}

class Run {
  readonly renderer: Renderer;
  readonly saas: SaasCaller;
  private readonly items: ItemProcessor;
  private readonly max: number;
  private readonly context: Context = {};

  constructor(private readonly input: FetchInput) {
    this.renderer = new Renderer(input.engine);
    this.saas = new SaasCaller(input.http, this.renderer, input.saasAuthorization, input.signal, input.credentialSecret?.bind(input));
    this.items = new ItemProcessor(input.integration, this.renderer, this.saas);
    this.max = input.maxIterations ?? MAX_ITERATIONS;
  }

  /** `GlobalSetting` (fetched once when any template names it, §7.7) and `inputs` (§8.1). */
  async baseContext(): Promise<Context> {
    const { integration, saasAuthorization, localInputs } = this.input;
    let globals: Record<string, unknown> = {};
    if (JSON.stringify([integration, saasAuthorization]).includes('GlobalSetting')) {
      globals = Object.fromEntries((await this.input.globalSettings()).map(({ name, value }) => [name, value]));
    }
    const inputs: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(integration.inputs ?? {})) {
      const value = isDict(spec) ? spec.value : spec;
      inputs[name] = typeof value === 'string' ? String(await this.renderer.one({ GlobalSetting: globals, inputs }, value, 'string')) : await this.renderer.str(value);
    }
    return { GlobalSetting: globals, inputs: { ...inputs, ...localInputs } };
  }

  async *start(): AsyncGenerator<FetchEvent, LevelEnd> {
    try {
      Object.assign(this.context, await this.baseContext());
    } catch (err) {
      throw new StageFailure('first-page', err);
    }
    const { integration } = this.input;
    const outermost: LevelKind = truthy(integration.exploratory_list_behavior) ? 'exploratory' : truthy(integration.pre_list_behavior) ? 'pre_list' : 'list';
    return yield* this.level(outermost, true);
  }

  private async *level(kind: LevelKind, outermost: boolean): AsyncGenerator<FetchEvent, LevelEnd> {
    const names = LEVELS[kind];
    const behaviour = this.input.integration[names.behaviour];
    const ctx = this.context;
    ctx[names.iteration] = 0;
    ctx[names.response] = {};
    ctx[names.headers] = {};
    ctx[names.links] = {};
    if (kind === 'list') return yield* this.listLevel(behaviour, outermost);
    for (let counter = 0; counter < this.max; counter++) {
      try {
        if (await this.input.isCanceled()) return 'canceled';
        if (!isDict(behaviour)) throw new KeyError(names.behaviour);
        const results = await this.page(kind, behaviour);
        if (!truthy(results)) return counter === 0 && outermost ? 'empty-first-page' : 'done';
        const inner: LevelKind = kind === 'exploratory' ? 'pre_list' : 'list';
        for (const item of pyIter(results)) {
          ctx[names.item!] = item;
          const end = yield* this.level(inner, false);
          if (end === 'canceled' || end === 'stop') return end;
        }
      } catch (err) {
        throw outermost ? classify(err, counter) : err;
      }
      ctx[names.iteration] = counter + 1;
    }
    return 'done'; // the outer levels stop at MAX_ITERATIONS silently, as the original's do
  }

  /**
   * The list level as a pipeline: pages are read (cancel check, request, `result`) as the fan-out asks for items,
   * so the next page is fetched while the items of this one are still in their detail calls, and no batch waits
   * for the slowest item of the previous one. Items come out in list order, cut into batches of 100 that never
   * span two pages (the original's batches). How the page loop ended travels as the last element of the feed, so
   * that everything listed before a failure is still delivered before it.
   */
  private async *listLevel(behaviour: unknown, outermost: boolean): AsyncGenerator<FetchEvent, LevelEnd> {
    const processed = fanOut(this.feed(behaviour, outermost), {
      concurrency: this.input.concurrency,
      fetch: async (entry: Feed) => ('item' in entry ? { entry, item: await this.items.process(entry.item, entry.context) } : { entry }),
      // Items finish out of order (latency varies): a slot whose item is done is refilled at once, not when the
      // oldest item ends; the finished ones wait for their turn (in list order) in a window of a few pages' worth.
      buffered: 4 * this.input.concurrency,
      label: () => 'item',
      reportFailure: () => undefined,
      isFatal: () => true,
      signal: this.input.signal,
    });
    let batch: FetchedItem[] = [];
    for await (const { entry, item } of processed) {
      if ('item' in entry) {
        if (entry.index % BATCH_SIZE === 0 && batch.length > 0) {
          yield { kind: 'batch', items: batch };
          batch = [];
        }
        batch.push(item!);
        continue;
      }
      if (batch.length > 0) yield { kind: 'batch', items: batch };
      if ('end' in entry) return entry.end;
      throw entry.error;
    }
    this.input.signal?.throwIfAborted();
    throw new Error('the list level ended without an outcome');
  }

  /**
   * The list level's page loop: its items (each with its page's context), then how it ended. The next page is
   * requested (cancel check, request, `result`) as soon as this page's items are listed, so that its 2 round trips
   * overlap the detail calls instead of leaving the fan-out's slots empty at every page boundary; the items each
   * hold a copy of the context taken before, so the next page's `list_response` is not theirs. Test runs read one
   * page only.
   */
  private async *feed(behaviour: unknown, outermost: boolean): AsyncGenerator<Feed> {
    const ctx = this.context;
    const read = async (counter: number): Promise<{ end: LevelEnd } | { results: unknown }> => {
      if (await this.input.isCanceled()) return { end: 'canceled' };
      if (!isDict(behaviour)) throw new KeyError('list_behavior');
      const results = await this.page('list', behaviour);
      if (!truthy(results)) return { end: counter === 0 && outermost ? 'empty-first-page' : 'done' };
      return { results };
    };
    let counter = 0;
    try {
      let next = read(0);
      for (; counter < this.max; counter++) {
        const page = await next;
        if ('end' in page) return yield { end: page.end };
        const items = pyIter(page.results);
        const context = { ...ctx };
        if (this.input.testRun) {
          // §11.7: the first batch only, truncated to 10 items
          for (let index = 0; index < Math.min(items.length, BATCH_SIZE, TEST_RUN_ITEMS); index++) yield { item: items[index], context, index };
          return yield { end: 'stop' };
        }
        ctx.iteration = counter + 1;
        if (counter + 1 < this.max) {
          next = read(counter + 1);
          next.catch(() => undefined); // awaited (and its failure reported) after this page's items
        }
        for (let index = 0; index < items.length; index++) yield { item: items[index], context, index };
      }
    } catch (err) {
      return yield { error: outermost ? classify(err, counter) : err };
    }
    yield { error: new MaxIterationsReached() };
  }

  /** One page of a level: request, pagination controls, call, `result` (undefined: an empty page). */
  private async page(kind: LevelKind, behaviour: Behaviour): Promise<unknown> {
    const names = LEVELS[kind];
    const ctx = this.context;
    const pagination = isDict(behaviour.pagination) && truthy(behaviour.pagination) ? behaviour.pagination : undefined;
    const { request, extras } = await this.saas.build(
      behaviour,
      ctx,
      pagination ? [{ template: pagination.break_early, mode: 'native' }, { template: pagination.add_if, mode: 'native' }] : [],
    );
    if (pagination) {
      if (truthy(extras[0])) return undefined;
      if (truthy(extras[1])) {
        Object.assign(request.headers, await this.saas.renderKeyValues(pagination.headers ?? [], 'pagination headers', ctx));
        Object.assign(request.params, await this.saas.renderKeyValues(pagination.params ?? [], 'pagination params', ctx));
      }
    }
    const reply = await this.saas.send(request, ctx);
    if (kind !== 'pre_list' && !truthy(reply.body)) return undefined;
    ctx[names.response] = reply.body;
    ctx[names.headers] = reply.headers;
    ctx[names.links] = reply.links;
    return this.renderer.one(ctx, behaviour.result, 'native');
  }
}
