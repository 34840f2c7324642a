/**
 * Worker-thread entry of the load generator: takes its GeneratorConfig from
 * workerData, posts every GeneratorEvent to the parent and takes 'proceed'/'stop'
 * commands from it. Running in its own thread keeps the generator's event loop (and
 * core) apart from the parent's bookkeeping.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Generator, type GeneratorCommand, type GeneratorConfig } from './generator.js';

const port = parentPort;
if (!port) throw new Error('generator-worker.js must run in a worker thread');
const gen = new Generator(workerData as GeneratorConfig, (e) => port.postMessage(e));
port.on('message', (c: GeneratorCommand) => gen.command(c));
await gen.run();
port.close();
