#!/usr/bin/env node
// The bench's Node client, run as its own process so it never shares a thread with the server:
// the same jobs and the same workload code as the browser page, with Node's contenders.
//   node bench/node-client.mjs ORIGIN SESSION [--candidate DIST_DIRECTORY]
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { WebSocketStream as UndiciWebSocketStream } from 'undici';
import { WebSocketStream as PolyfillWebSocketStream, socketImplementation } from '../dist/node.js';
import { BareStreamsOverWs } from './baselines/bare-streams-ws.mjs';
import { candidateModuleFolder } from './candidate.mjs';
import { ClientSocketWatcher, sampleUserSpaceBuffered } from './node-memory.mjs';
import { eventContender, runJob, sessionApi, streamContender, timerResolutionMs } from './workloads.mjs';

/** @typedef {import('./types.mjs').ClientMessage} ClientMessage */
/** @typedef {import('./types.mjs').Job} Job */
/** @typedef {import('./types.mjs').NextJob} NextJob */
/** @typedef {import('./types.mjs').PausedReaderMemory} PausedReaderMemory */
/** @typedef {import('./workloads.mjs').Contender} Contender */

// undici warns once that its WebSocketStream is experimental; that is known and not news per run.
process.removeAllListeners('warning');
// The bench stops this client with SIGTERM; leaving through exit() lets --cpu-prof
// write its profile (--cpu-profile), which a death by signal would lose.
process.once('SIGTERM', () => process.exit(0));

const { positionals, values: options } = parseArgs({ allowPositionals: true, options: { candidate: { type: 'string' } } });
const [origin, session] = positionals;
const wsOrigin = origin.replace(/^http/, 'ws');
const { call, mark } = sessionApi(origin, session);

/** @type {Record<string, Contender>} */
const contenders = {
  polyfill: streamContender(PolyfillWebSocketStream),
  raw: eventContender(WebSocket, { sendCallbacks: true, binaryType: 'nodebuffer' }),
  undici: streamContender(UndiciWebSocketStream),
  streams: streamContender(BareStreamsOverWs),
};
if (options.candidate) {
  const folder = await candidateModuleFolder(path.resolve(options.candidate));
  const candidate = await import(pathToFileURL(path.join(folder, 'node.js')).href);
  // Every module of the copy is loaded now, `ws` included: the copy is no longer needed.
  await rm(folder, { recursive: true, force: true });
  if (candidate.socketImplementation !== 'ws') throw new Error('the candidate build did not find the ws package (is NODE_PATH set?)');
  contenders.candidate = streamContender(candidate.WebSocketStream);
}
const clientSockets = new ClientSocketWatcher();

/** @param {string} name */
function versionOf(name) {
  return createRequire(import.meta.url)(`${name}/package.json`).version;
}

/**
 * As in the page, plus what only Node can see: the bytes held in user space during the pause.
 * @param {Job} job  a paused-reader job, which has a size
 * @param {{ messagesRead: number }} state
 */
async function pause(job, state) {
  const sampler = sampleUserSpaceBuffered(clientSockets.latest, state.messagesRead, /** @type {number} */ (job.size));
  await mark(job, 'start', state);
  await new Promise((resolve) => setTimeout(resolve, job.pauseMs));
  const userSpaceBuffered = sampler.stop();
  const answer = /** @type {PausedReaderMemory} */ (await mark(job, 'end'));
  return { ...answer, userSpaceBufferedBytes: { max: userSpaceBuffered.max, atEnd: userSpaceBuffered.last } };
}

/** @type {ClientMessage} */
let message = {
  hello: {
    userAgent: `Node.js ${process.version}, ws ${versionOf('ws')}, undici ${versionOf('undici')}`,
    contenders: Object.keys(contenders),
    polyfillSocket: socketImplementation,
    timerResolutionMs: timerResolutionMs(),
  },
};
for (;;) {
  const job = /** @type {NextJob} */ (await call('next', message));
  if (job.done) break;
  message = await runJob(job, contenders, { wsOrigin, mark, pause });
}
clientSockets.stop();
