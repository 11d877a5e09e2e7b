// A strict parser of the Prometheus text exposition format (version 0.0.4), for tests: it rejects
// what Prometheus's own parser rejects (bad names, bad escapes, bad values, a TYPE after its
// samples, a family split in two, duplicate series) and checks the histogram invariants a scrape
// relies on (cumulative buckets in ascending `le`, a +Inf bucket equal to _count).

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

export class ExpositionError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Parses a whole exposition into its families, keyed by family name; throws ExpositionError. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  if (text.length && !text.endsWith('\n')) throw new ExpositionError(text.split('\n').length, 'exposition must end with a newline');
  const families = new Map<string, MetricFamily>();
  const closed = new Set<string>();
  const seenSeries = new Set<string>();
  let current: MetricFamily | undefined;
  const lines = text.split('\n');
  lines.pop();
  const family = (name: string, n: number): MetricFamily => {
    let f = families.get(name);
    if (f && closed.has(name)) throw new ExpositionError(n, `samples of ${name} are not contiguous`);
    if (!f) families.set(name, (f = { name, type: 'untyped', samples: [] }));
    if (current && current !== f) closed.add(current.name);
    current = f;
    return f;
  };
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) return; // any other comment
      const [, keyword, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) throw new ExpositionError(n, `invalid metric name ${JSON.stringify(name)}`);
      const f = family(name!, n);
      if (keyword === 'HELP') {
        if (f.help !== undefined) throw new ExpositionError(n, `second HELP for ${name}`);
        f.help = unescape(rest, false, n);
      } else {
        if (f.samples.length) throw new ExpositionError(n, `TYPE for ${name} after its samples`);
        if (!TYPES.has(rest.trim() as MetricType)) throw new ExpositionError(n, `unknown type ${JSON.stringify(rest)}`);
        f.type = rest.trim() as MetricType;
      }
      return;
    }
    const sample = parseSample(line, n);
    const f = family(familyOf(sample.name, current), n);
    const key = `${sample.name}{${Object.keys(sample.labels).sort().map(k => `${k}=${sample.labels[k]}`).join(',')}}`;
    if (seenSeries.has(key)) throw new ExpositionError(n, `duplicate series ${key}`);
    seenSeries.add(key);
    checkSampleName(f, sample, n);
    f.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

/** The family a sample belongs to: the current one when it is that family's _bucket/_sum/_count. */
function familyOf(sampleName: string, current: MetricFamily | undefined): string {
  if (current && (current.type === 'histogram' || current.type === 'summary')) {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      if (sampleName === current.name + suffix) return current.name;
    }
  }
  return sampleName;
}

function checkSampleName(f: MetricFamily, s: Sample, n: number): void {
  if (f.type === 'histogram') {
    if (s.name === `${f.name}_bucket`) {
      if (s.labels.le === undefined) throw new ExpositionError(n, `${s.name} without an le label`);
    } else if (s.name !== `${f.name}_sum` && s.name !== `${f.name}_count`) throw new ExpositionError(n, `${s.name} in histogram ${f.name}`);
  } else if (f.type === 'summary') {
    if (s.name === f.name && s.labels.quantile === undefined) throw new ExpositionError(n, `${s.name} without a quantile label`);
  } else if (s.name !== f.name) throw new ExpositionError(n, `${s.name} in ${f.type} ${f.name}`);
  if (f.type === 'counter' && !(s.value >= 0)) throw new ExpositionError(n, `counter ${s.name} is ${s.value}`);
}

function checkHistogram(f: MetricFamily): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { buckets: [] }));
    if (s.name.endsWith('_bucket')) g.buckets.push([parseValue(le!, 0), s.value]);
    else if (s.name.endsWith('_count')) g.count = s.value;
  }
  for (const [key, g] of groups) {
    const where = `histogram ${f.name}${key}`;
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i]![0] > g.buckets[i - 1]![0])) throw new ExpositionError(0, `${where}: buckets not in ascending le`);
      if (g.buckets[i]![1] < g.buckets[i - 1]![1]) throw new ExpositionError(0, `${where}: buckets not cumulative`);
    }
    const inf = g.buckets.at(-1);
    if (!inf || inf[0] !== Infinity) throw new ExpositionError(0, `${where}: no +Inf bucket`);
    if (g.count === undefined || g.count !== inf[1]) throw new ExpositionError(0, `${where}: +Inf bucket differs from _count`);
  }
}

function parseSample(line: string, n: number): Sample {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (!name) throw new ExpositionError(n, `invalid sample line ${JSON.stringify(line)}`);
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    for (;;) {
      while (line[at] === ' ') at++;
      if (line[at] === '}') { at++; break; }
      const label = /^[^=\s]+/.exec(line.slice(at))?.[0] ?? '';
      if (!LABEL_NAME.test(label)) throw new ExpositionError(n, `invalid label name ${JSON.stringify(label)}`);
      if (label in labels) throw new ExpositionError(n, `label ${label} twice`);
      at += label.length;
      if (line[at] !== '=' || line[at + 1] !== '"') throw new ExpositionError(n, `expected ="value" after ${label}`);
      at += 2;
      let raw = '';
      for (;;) {
        const c = line[at];
        if (c === undefined) throw new ExpositionError(n, 'unterminated label value');
        if (c === '"') break;
        if (c === '\\') { raw += c + (line[at + 1] ?? ''); at += 2; continue; }
        raw += c;
        at++;
      }
      at++;
      labels[label] = unescape(raw, true, n);
      if (line[at] === ',') at++;
      else if (line[at] !== '}') throw new ExpositionError(n, `expected , or } after label ${label}`);
    }
  }
  const rest = line.slice(at);
  const m = /^[ \t]+(\S+)(?:[ \t]+(-?\d+))?[ \t]*$/.exec(rest);
  if (!m) throw new ExpositionError(n, `invalid value part ${JSON.stringify(rest)}`);
  const sample: Sample = { name, labels, value: parseValue(m[1]!, n) };
  if (m[2] !== undefined) sample.timestampMs = Number(m[2]);
  return sample;
}

// Prometheus reads values with Go's strconv.ParseFloat: NaN and Inf in any case (prom-client writes "Nan").
function parseValue(text: string, n: number): number {
  if (/^nan$/i.test(text)) return NaN;
  const inf = /^([-+]?)inf(inity)?$/i.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new ExpositionError(n, `invalid value ${JSON.stringify(text)}`);
  return Number(text);
}

/** Label values may escape \\, \" and \n; HELP text \\ and \n. Anything else is an error. */
function unescape(raw: string, quoted: boolean, n: number): string {
  return raw.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quoted) return '"';
    throw new ExpositionError(n, `invalid escape \\${c}`);
  });
}

/** The samples named `name` (a family, or a histogram's _bucket/_sum/_count) whose labels include `labels`. */
export function series(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): Sample[] {
  return [...families.values()].flatMap(f => f.samples)
    .filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}
