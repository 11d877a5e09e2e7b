import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTable } from './index.js';
import { customResourcePrinter } from './custom-resources.js';

const now = new Date('2026-01-01T01:00:00Z');
const obj = {
  metadata: { name: 'w1', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { replicas: 3.7, color: 'blue', ports: [80, 443], ok: true, ratio: 0.5 },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
};

test('printer columns: NAME first, typed cells, priorities, empty cells for missing values', () => {
  const printer = customResourcePrinter([
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1, description: 'its colour' },
    { name: 'Ports', type: 'string', jsonPath: '.spec.ports' },
    { name: 'Ok', type: 'boolean', jsonPath: '.spec.ok' },
    { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
    { name: 'Since', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ]);
  const table = buildTable('example.com', 'widgets', [obj], { printer, now });
  assert.deepEqual(table.columnDefinitions.map(c => [c.name, c.type, c.format, c.priority]), [
    ['Name', 'string', 'name', 0], ['Replicas', 'integer', '', 0], ['Color', 'string', '', 1], ['Ports', 'string', '', 0],
    ['Ok', 'boolean', '', 0], ['Ratio', 'number', '', 0], ['Ready', 'string', '', 0], ['Missing', 'string', '', 0], ['Since', 'date', '', 0],
  ]);
  assert.equal(table.columnDefinitions[2].description, 'its colour');
  assert.deepEqual(table.rows[0].cells, ['w1', 3, 'blue', '[80,443]', true, 0.5, 'True', null, '60m']);
});

test('a version without columns gets NAME and AGE, as upstream', () => {
  const table = buildTable('example.com', 'widgets', [obj], { printer: customResourcePrinter(undefined), now });
  assert.deepEqual(table.columnDefinitions.map(c => [c.name, c.type]), [['Name', 'string'], ['Age', 'date']]);
  assert.deepEqual(table.rows[0].cells, ['w1', '60m']);
});
