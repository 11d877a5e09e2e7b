import assert from 'node:assert/strict';
import { test } from 'node:test';
import { componentRegistry, Counter, Histogram } from '../registry.js';
import { ExpositionError, parseExposition, series } from './prometheus-text.js';

test('prom-client\'s exposition parses, with escaped label values and histograms', async () => {
  const registry = componentRegistry();
  new Counter({ name: 'x_total', help: 'A "counter"\\ with\nlines.', labelNames: ['path'], registers: [registry] }).inc({ path: 'a"b\\c\nd' }, 3);
  const h = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['verb'], buckets: [0.1, 1], registers: [registry] });
  h.observe({ verb: 'GET' }, 0.5);
  h.observe({ verb: 'GET' }, 5);
  const families = parseExposition(await registry.metrics());
  assert.equal(families.get('x_total')?.help, 'A "counter"\\ with\nlines.');
  assert.deepEqual(series(families, 'x_total', { path: 'a"b\\c\nd' }).map(s => s.value), [3]);
  assert.deepEqual(series(families, 'h_seconds_bucket', { verb: 'GET' }).map(s => [s.labels.le, s.value]), [['0.1', 0], ['1', 1], ['+Inf', 2]]);
  assert.deepEqual(series(families, 'h_seconds_count').map(s => s.value), [2]);
  assert.equal(families.get('nodejs_heap_size_total_bytes')?.type, 'gauge');
});

test('malformed expositions are rejected', () => {
  const bad = [
    'no_newline 1',
    'bad-name 1\n',
    'x{a="1} 1\n',
    'x{a="\\t"} 1\n',
    'x{1a="v"} 1\n',
    'x{a="1",a="2"} 1\n',
    'x one\n',
    'x 1\nx 2\n',
    'x 1\n# TYPE x counter\n',
    '# TYPE x flavour\n',
    'x 1\ny 1\nx{a="b"} 1\n',
    '# TYPE c counter\nc -1\n',
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n',
    '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n',
    '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 1\nh_sum 1\n',
    '# TYPE h histogram\nh 1\n',
  ];
  for (const text of bad) assert.throws(() => parseExposition(text), ExpositionError, JSON.stringify(text));
  assert.equal(parseExposition('# a comment\n\nx{a="b"} 1.5e3 1700000000000\ny NaN\nz +Inf\n').get('x')?.samples[0]?.timestampMs, 1700000000000);
});
