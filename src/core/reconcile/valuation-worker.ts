/** Entry of the valuation thread (valuation-thread.ts): the value leg on its own connection. */
import { parentPort, workerData } from 'node:worker_threads';
import { runValuationWorker, type ValuationJob } from './valuation-thread.js';

if (parentPort) void runValuationWorker(parentPort, workerData as ValuationJob);
