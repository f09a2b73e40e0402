// Memory and CPU time of a process and everything it started, read from /proc (Linux). A browser
// spreads the work of one WebSocket over several processes (network, renderer), so only the whole
// tree tells the story.
import { readFileSync, readdirSync } from 'node:fs';

/** @param {number|string} pid */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/**
 * `rootPid` and every process below it; null where /proc cannot be read.
 * @param {number} rootPid
 */
function treeOf(rootPid) {
  try {
    return descendantsOf(rootPid);
  } catch {
    return null;
  }
}

/** @param {number} rootPid */
function descendantsOf(rootPid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const parent = parentOf(name);
    if (parent === undefined) continue;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)?.push(Number(name));
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** @param {string} status @param {string} field */
function statusKilobytes(status, field) {
  const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : 0;
}

/**
 * → { processes, rssBytes, anonymousBytes } summed over `rootPid` and its descendants, or null
 * where /proc is not there. Anonymous memory (heaps, buffers) is what received messages occupy.
 * @param {number} rootPid
 */
export function processTreeMemory(rootPid) {
  const pids = treeOf(rootPid);
  if (pids === null) return null;
  let processes = 0;
  let rssKilobytes = 0;
  let anonymousKilobytes = 0;
  for (const pid of pids) {
    let status;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue;
    }
    processes++;
    rssKilobytes += statusKilobytes(status, 'VmRSS');
    anonymousKilobytes += statusKilobytes(status, 'RssAnon');
  }
  return { processes, rssBytes: rssKilobytes * 1024, anonymousBytes: anonymousKilobytes * 1024 };
}

/**
 * Nanoseconds on a CPU, summed over every thread of `rootPid` and its descendants (threads that
 * have exited are not counted). → null where /proc is not there.
 *
 * A busy machine stretches wall-clock time, but not much the CPU time a piece of work costs: this
 * is the bench's second opinion when other processes compete for the cores.
 * @param {number} rootPid
 */
export function processTreeCpuNanoseconds(rootPid) {
  const pids = treeOf(rootPid);
  if (pids === null) return null;
  let total = 0;
  for (const pid of pids) {
    let threads;
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const thread of threads) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended in between.
      }
    }
  }
  return total;
}
