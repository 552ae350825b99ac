// Reads a Prometheus text exposition in tests with a standard parser (parse-prometheus-text-format).
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

export interface Exposition {
  families: Map<string, ParsedFamily>;
  /** The value of the sample of `name` whose labels include `labels`; undefined when there is none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** The same summed over every sample that matches (all label values of the others). */
  sum(name: string, labels?: Record<string, string>): number;
}

const matches = (have: Record<string, string> | undefined, want: Record<string, string>) =>
  Object.entries(want).every(([k, v]) => have?.[k] === v);

/**
 * Parses the text and checks what the parser leaves lenient: every family has HELP and a TYPE,
 * every value is a number. The parser folds the samples of a labelled histogram into one, so
 * histograms are read a second time with their TYPE lines left out: their _bucket, _count and
 * _sum series then come out as plain samples, each with its labels.
 */
export function parseExposition(text: string): Exposition {
  const parsed = parsePrometheusTextFormat(text);
  const families = new Map(parsed.map((f) => [f.name, f]));
  for (const f of parsed) {
    if (!f.help) throw new Error(`${f.name} has no HELP`);
    if (f.type === 'UNTYPED') throw new Error(`${f.name} has no TYPE`);
    for (const m of f.metrics) {
      for (const v of [m.value, m.count, m.sum, ...Object.values(m.buckets ?? {})]) {
        // As Prometheus reads a value (Go's ParseFloat): NaN and Inf in any case (prom-client writes "Nan").
        if (v !== undefined && !Number.isFinite(Number(v)) && !/^(nan|[+-]?inf)$/i.test(v))
          throw new Error(`${f.name}: the value ${JSON.stringify(v)} is not a number`);
      }
    }
  }
  const histograms = new Set(parsed.filter((f) => f.type === 'HISTOGRAM').map((f) => f.name));
  const flat = parsePrometheusTextFormat(
    text
      .split('\n')
      .filter((line) => !histograms.has(/^# TYPE (\S+) histogram$/.exec(line)?.[1] ?? ''))
      .join('\n'),
  );
  // Each label set's _bucket, _sum and _count lines come one after the other: a name comes back many times.
  const samples = new Map<string, ParsedFamily['metrics']>();
  for (const f of flat) samples.set(f.name, [...(samples.get(f.name) ?? []), ...f.metrics]);
  const select = (name: string, labels: Record<string, string>) =>
    (samples.get(name) ?? []).filter((m) => matches(m.labels, labels));
  return {
    families,
    value(name, labels = {}) {
      const m = select(name, labels)[0];
      return m?.value === undefined ? undefined : Number(m.value);
    },
    sum(name, labels = {}) {
      return select(name, labels).reduce((n, m) => n + Number(m.value ?? 0), 0);
    },
  };
}
