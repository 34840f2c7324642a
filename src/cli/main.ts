#!/usr/bin/env node
/** The ofctl-ts executable: runs the command line with the process's streams. */
import { processIo } from './io.js';
import { runCli } from './run.js';

const code = await runCli(processIo(), process.argv.slice(2));
process.exitCode = code;
