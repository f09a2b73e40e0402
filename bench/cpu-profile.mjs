// CPU profiles of the bench page in Chromium builds, current and old (`npm run bench -- --cpu-profile
// DIR`), taken with the DevTools Profiler of the page's renderer, and the self time per function of
// a profile (`node bench/cpu-profile.mjs FILE`). V8's own `--prof` logs need a tick processor of the
// browser's V8 version, which Node's is not; a DevTools profile reads the same in every version.
//
// Only the Profiler domain is enabled: the Network domain would mirror every WebSocket frame to this
// client, which is what makes automation protocols useless for timing (browsers.mjs). A profiled
// run's ratios are not comparable with an unprofiled run's; its profile says where the time went.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { pollUntil } from '../conformance/lib/processes.mjs';

/**
 * A DevTools CPU profile (Profiler.Profile), as written to .cpuprofile files.
 * @typedef {{ functionName: string, url: string, lineNumber: number, columnNumber: number }} CallFrame
 * @typedef {{ id: number, callFrame: CallFrame }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }} CpuProfile
 * @typedef {{ stop(): Promise<CpuProfile> }} RunningProfile
 * @typedef {{ name: string, url: string, line: number, share: number }} SelfTime
 */

/** Microseconds between samples: fine enough for per-message functions of a few microseconds. */
const SAMPLING_INTERVAL_US = 100;

/**
 * Starts profiling the renderer of the bench page of the Chromium whose user data directory is
 * `userDataDirectory`, started with --remote-debugging-port=0 (which writes the port it chose to
 * DevToolsActivePort there). Waits at most `boundMs` for the port and the page.
 * @param {string} userDataDirectory
 * @param {{ boundMs?: number }} [options]
 * @returns {Promise<RunningProfile>}
 */
export async function startPageProfile(userDataDirectory, { boundMs = 30_000 } = {}) {
  const findPage = async () => {
    const port = (await readFile(path.join(userDataDirectory, 'DevToolsActivePort'), 'utf8')).split('\n')[0];
    /** @type {{ type: string, url: string, webSocketDebuggerUrl?: string }[]} */
    const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
    return targets.find((target) => target.type === 'page' && target.url.includes('/bench/page.html'))?.webSocketDebuggerUrl;
  };
  const pageSocketUrl = /** @type {string} */ (await pollUntil(findPage, { timeoutMs: boundMs, what: '--cpu-profile: the bench page in the DevTools target list' }));
  const devtools = await connectDevTools(pageSocketUrl);
  await devtools.call('Profiler.enable');
  await devtools.call('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await devtools.call('Profiler.start');
  return {
    async stop() {
      try {
        const { profile } = /** @type {{ profile: CpuProfile }} */ (await devtools.call('Profiler.stop'));
        return profile;
      } finally {
        devtools.close();
      }
    },
  };
}

/**
 * A DevTools protocol connection: call(method, params) resolves with the result, or rejects with
 * the protocol's error or when the connection closes first.
 * @param {string} socketUrl
 */
async function connectDevTools(socketUrl) {
  const socket = new WebSocket(socketUrl, { perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  /** @type {Map<number, { resolve: (result: unknown) => void, reject: (error: Error) => void }>} */
  const waiting = new Map();
  let lastId = 0;
  socket.on('message', (data) => {
    /** @type {{ id?: number, result?: unknown, error?: { message: string } }} */
    const message = JSON.parse(String(data));
    const caller = message.id === undefined ? undefined : waiting.get(message.id);
    if (caller === undefined) return;
    waiting.delete(/** @type {number} */ (message.id));
    if (message.error) caller.reject(new Error(`DevTools: ${message.error.message}`));
    else caller.resolve(message.result);
  });
  socket.on('close', () => {
    for (const caller of waiting.values()) caller.reject(new Error('DevTools: the connection closed'));
    waiting.clear();
  });
  return {
    /**
     * @param {string} method
     * @param {Record<string, unknown>} [params]
     */
    call(method, params = {}) {
      const id = ++lastId;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}

/**
 * Each function's share of the profile's samples, by time, largest first: "(idle)", "(program)"
 * and "(garbage collector)" included. A built-in called from script (WebSocket.send, a stream's
 * write) counts as its caller's own time.
 * @param {CpuProfile} profile
 * @returns {SelfTime[]}
 */
export function selfTimes(profile) {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  /** @type {Map<string, SelfTime>} */
  const byFunction = new Map();
  let total = 0;
  profile.samples.forEach((nodeId, index) => {
    const frame = /** @type {CallFrame} */ (frames.get(nodeId));
    const key = `${frame.functionName}\n${frame.url}\n${frame.lineNumber}`;
    const entry = byFunction.get(key) ?? { name: frame.functionName || '(anonymous)', url: frame.url, line: frame.lineNumber + 1, share: 0 };
    entry.share += profile.timeDeltas[index] ?? 0;
    total += profile.timeDeltas[index] ?? 0;
    byFunction.set(key, entry);
  });
  return [...byFunction.values()].map((entry) => ({ ...entry, share: total > 0 ? entry.share / total : 0 })).sort((a, b) => b.share - a.share);
}

/**
 * A script's address as a reader knows it: a page's path on the bench server, a file's path from
 * the working folder, a built-in's name as it is.
 * @param {string} url
 */
function shortUrl(url) {
  if (url.startsWith('file:')) return path.relative(process.cwd(), fileURLToPath(url));
  return url.replace(/^https?:\/\/[^/]+\//, '');
}

/** `node bench/cpu-profile.mjs FILE [TOP]`: the TOP (30) largest self times of a .cpuprofile. */
async function printSelfTimes() {
  const [file, top = '30'] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: node bench/cpu-profile.mjs FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  /** @type {CpuProfile} */
  const profile = JSON.parse(await readFile(file, 'utf8'));
  for (const { name, url, line, share } of selfTimes(profile).slice(0, Number(top))) {
    const where = url === '' ? '' : `  ${shortUrl(url)}:${line}`;
    console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${name}${where}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await printSelfTimes();
