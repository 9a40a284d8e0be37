/**
 * Counters, gauges and histograms, rendered in the Prometheus text exposition format (version 0.0.4):
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 *
 * Hand-written rather than prom-client: the connector needs three metric types with labels and one text format, about
 * a hundred lines; prom-client would add a dependency (with its own dependencies) for that. The names follow https://prometheus.io/docs/practices/naming/ (`_total`, `_seconds`).
 *
 * No module-level state: `serve` and managed mode each make a registry, tests make their own.
 */

type Labels = Record<string, string>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value in the exposition format: backslash, double quote and newline escaped. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs = names.map((n, i) => `${n}="${escapeLabel(values[i])}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new RangeError(`invalid metric name "${name}"`);
    for (const l of labelNames) if (!LABEL.test(l) || l === 'le') throw new RangeError(`invalid label name "${l}" of ${name}`);
  }

  protected key(labels: Labels): string[] {
    return this.labelNames.map((n) => {
      const v = labels[n];
      if (v === undefined) throw new RangeError(`metric ${this.name}: label "${n}" missing`);
      return String(v);
    });
  }

  abstract readonly type: string;
  abstract lines(): string[];

  render(): string {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`, ...this.lines()].join('\n');
  }
}

/** A value per label set (a Map keyed by the joined label values). */
abstract class Valued extends Metric {
  protected readonly values = new Map<string, { labels: string[]; value: number }>();

  protected entry(labels: Labels) {
    const values = this.key(labels);
    const k = JSON.stringify(values);
    let e = this.values.get(k);
    if (!e) this.values.set(k, (e = { labels: values, value: 0 }));
    return e;
  }

  get(labels: Labels = {}): number {
    return this.values.get(JSON.stringify(this.key(labels)))?.value ?? 0;
  }

  lines(): string[] {
    return [...this.values.values()].map((e) => `${this.name}${labelText(this.labelNames, e.labels)} ${formatValue(e.value)}`);
  }
}

export class Counter extends Valued {
  readonly type = 'counter';
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`counter ${this.name} can only go up (by ${by})`);
    this.entry(labels).value += by;
  }
}

export class Gauge extends Valued {
  readonly type = 'gauge';
  /** Called before each render: a gauge read from the live state (a queue's depth, a breaker's state). */
  collect?: (gauge: Gauge) => void;
  set(labels: Labels, value: number): void {
    this.entry(labels).value = value;
  }
  override lines(): string[] {
    this.collect?.(this);
    return super.lines();
  }
}

/** Default buckets for HTTP request durations, in seconds: 5 ms to 1 min (a source or Oomnitza at its timeout). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Histogram extends Metric {
  readonly type = 'histogram';
  private readonly series = new Map<string, { labels: string[]; counts: number[]; sum: number; count: number }>();

  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[] = LATENCY_BUCKETS) {
    super(name, help, labelNames);
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => b !== buckets[i] || (i > 0 && b === sorted[i - 1]))) throw new RangeError(`histogram ${name}: buckets must increase`);
  }

  observe(labels: Labels, value: number): void {
    const values = this.key(labels);
    const k = JSON.stringify(values);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { labels: values, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((b, i) => {
      if (value <= b) s!.counts[i]++;
    });
    s.sum += value;
    s.count++;
  }

  /** How many observations a label set has (tests). */
  count(labels: Labels = {}): number {
    return this.series.get(JSON.stringify(this.key(labels)))?.count ?? 0;
  }

  lines(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${labelText(this.labelNames, s.labels, ['le', formatValue(b)])} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelText(this.labelNames, s.labels, ['le', '+Inf'])} ${s.count}`);
      out.push(`${this.name}_sum${labelText(this.labelNames, s.labels)} ${formatValue(s.sum)}`);
      out.push(`${this.name}_count${labelText(this.labelNames, s.labels)} ${s.count}`);
    }
    return out;
  }
}

export class Registry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets?: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  /** The exposition text (Content-Type `text/plain; version=0.0.4`). */
  render(): string {
    return `${[...this.metrics.values()].map((m) => m.render()).join('\n')}\n`;
  }

  private add<M extends Metric>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new RangeError(`metric ${metric.name} registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }
}
