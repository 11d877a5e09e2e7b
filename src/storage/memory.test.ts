import { runStoreContract } from './contract.js';
import { MemoryStore } from './memory.js';

runStoreContract('memory', async () => new MemoryStore());
