// Child process of the durability test: creates keys in the given database as fast as it can and
// prints "<key> <revision>" for every create the store has acknowledged, until it is killed.
import { SqliteStore } from './sqlite-store.js';

const store = SqliteStore.open(process.argv[2]);
let next = 0;
const value = 'v'.repeat(1024);

async function writer(): Promise<never> {
  for (;;) {
    const key = `/durable/${next++}`;
    const revision = await store.create(key, value);
    process.stdout.write(`${key} ${revision}\n`);
  }
}

for (let i = 0; i < 8; i++) void writer();
