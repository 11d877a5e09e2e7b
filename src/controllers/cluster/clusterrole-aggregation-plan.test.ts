import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterRole } from '../../api/types/generated.js';
import { aggregatedRules, sameRules } from './clusterrole-aggregation-plan.js';

const role = (name: string, labels: Record<string, string>, verbs: string[][]): ClusterRole =>
  ({ metadata: { name, labels }, rules: verbs.map(v => ({ verbs: v, apiGroups: [''], resources: ['pods'] })) });

test('an aggregated role takes the selected roles\' rules, by name, each rule once', () => {
  const admin: ClusterRole = { metadata: { name: 'admin' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'to-admin': 'true' } }] } };
  const all = [admin, role('z', { 'to-admin': 'true' }, [['delete'], ['get']]), role('a', { 'to-admin': 'true' }, [['get']]), role('other', {}, [['patch']])];
  const rules = aggregatedRules(admin, all)!;
  assert.deepEqual(rules.map(r => r.verbs), [['get'], ['delete']]);
  assert.equal(sameRules(rules, rules.map(r => ({ ...r }))), true);
  assert.equal(sameRules(rules, []), false);
});

test('a role without an aggregationRule is left alone, and a role never aggregates itself', () => {
  assert.equal(aggregatedRules(role('x', {}, [['get']]), []), undefined);
  const self: ClusterRole = { ...role('self', { l: 'true' }, [['get']]), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { l: 'true' } }] } };
  assert.deepEqual(aggregatedRules(self, [self]), []);
});
