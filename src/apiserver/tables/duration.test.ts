import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanDuration } from './index.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration matches upstream HumanDuration at each precision step', () => {
  const cases: [number, string][] = [
    [-3 * S, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 20 * S, '3m20s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [5 * H + 7 * M, '5h7m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 3 * H, '2d3h'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [2 * 365 * D + 10 * D, '2y10d'],
    [5 * 365 * D, '5y'],
    [9 * 365 * D + 100 * D, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});
