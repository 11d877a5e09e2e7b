import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EtcdClient } from './client.js';

test('calls failing together on one endpoint move the client once, to the next endpoint', () => {
  // No call is made: the endpoints are never dialled.
  const client = new EtcdClient({ endpoints: ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3'] });
  try {
    assert.equal(client.activeEndpoint, 0);
    for (let i = 0; i < 5; i++) client.failOver(0);
    assert.equal(client.activeEndpoint, 1, 'five failures on endpoint 0 move the client to endpoint 1 only');
    client.failOver(1);
    assert.equal(client.activeEndpoint, 2);
    client.failOver(1);
    assert.equal(client.activeEndpoint, 2, 'a late failure on an endpoint already left moves nothing');
    client.failOver(2);
    assert.equal(client.activeEndpoint, 0, 'after the last endpoint comes the first');
  } finally {
    client.close();
  }
});
