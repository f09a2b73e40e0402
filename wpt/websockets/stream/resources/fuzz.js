// @ts-nocheck: a classic script of the WPT suite, which tsconfig.tools.json leaves out; it reaches
// the type check only through reliability/fuzz.mjs's import, and that module types what it defines.
'use strict';
// A seeded fuzzer for WebSocketStream, shared by the browser suite (fuzz.any.js, as a classic
// script in windows and workers) and by Node (reliability/fuzz.mjs imports it as a module). It
// only defines `globalThis.webSocketStreamFuzz`, which is valid in both worlds.
//
// Each seed picks a server endpoint (a well-behaved echo or one of the /fault/... endpoints) and a
// random sequence of construct / abort signal / close / cancel / abort / write / read / wait,
// always ending with close(). Then it checks the invariants:
//   - `opened` and `closed` settle within a bound;
//   - the readable and the writable end in states consistent with `closed`;
//   - every write promise settles;
//   - no unhandled rejection (checked by the caller: testharness.js in a page, the process in Node).
// The same seed makes the same choices, so a failure can be replayed from its seed.
(() => {
  /** mulberry32: a tiny, fast 32-bit PRNG; good enough to spread test cases, reproducible by seed. */
  function mulberry32(seed) {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // Endpoints whose connections always end by themselves or on close() within the bound. Left
  // out: /fault/close-frame-no-fin, whose close waits for the peer's FIN (2 s in Chromium, 10 s in the
  // ws adapter, forever in Node 20's undici); faults.any.js and test/faults.test.mjs cover it.
  const ENDPOINTS = [
    '/echo', '/echo', '/echo',
    '/remote-close?code=4000&reason=fuzz',
    '/fault/reset-mid-message',
    '/fault/stall?drop_after=300',
    '/fault/drop-no-close-frame',
    '/fault/invalid-utf8',
    '/fault/handshake-never-answers',
    '/fault/garbage-handshake',
    '/fault/close-while-queued',
  ];
  const ACTIONS = ['write-text', 'write-bytes', 'write-bytes', 'write-bad', 'read', 'read', 'close', 'abort-signal', 'cancel', 'abort', 'wait', 'await-opened'];
  const SETTLE_MS = 5000;
  const OPEN_WAIT_MS = 1000;
  const CONNECTION_BOUND_MS = 60_000;

  /** The choices a seed makes, as plain data (also what a failure report prints). */
  function planFor(seed) {
    const random = mulberry32(seed);
    const pick = (list) => list[Math.floor(random() * list.length)];
    const endpoint = pick(ENDPOINTS);
    const withSignal = random() < 0.5;
    const steps = Array.from({ length: 1 + Math.floor(random() * 7) }, () => {
      const action = pick(ACTIONS);
      switch (action) {
        case 'write-bytes': return { action, size: Math.floor(random() * (random() < 0.1 ? 2 * 1024 * 1024 : 4096)) };
        case 'close': return { action, closeCode: pick([undefined, 1000, 3000, 4999]), reason: pick(['', 'bye']) };
        case 'cancel':
        case 'abort': return { action, reasonKind: pick(['websocket-error', 'string', 'undefined']) };
        case 'wait': return { action, ms: Math.floor(random() * 60) };
        default: return { action };
      }
    });
    return { endpoint, withSignal, steps };
  }

  class StillPending extends Error {}

  function within(promise, what, ms) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new StillPending(`${what}: still pending after ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  /** → { status: 'fulfilled'|'rejected', value|reason } once settled; throws StillPending past `ms`. */
  function outcomeOf(promise, what, ms = SETTLE_MS) {
    return within(promise.then((value) => ({ status: 'fulfilled', value }), (reason) => ({ status: 'rejected', reason })), what, ms);
  }

  /**
   * Runs one seed against `origin` (ws://host:port) with `{ WebSocketStream, WebSocketError }`.
   * `skipCloseAfterHandshakeAbort`: leave out close() once the signal was aborted during the
   * handshake — only for native Chromium, whose renderer crashes on that sequence (a departure
   * from the standard with its own test, close-after-abort-during-handshake.any.js).
   * → { seed, plan, violations }.
   */
  async function runSeed(seed, origin, { WebSocketStream, WebSocketError }, { skipCloseAfterHandshakeAbort = false } = {}) {
    const plan = planFor(seed);
    const violations = [];
    const check = (condition, message) => {
      if (!condition) violations.push(message);
    };
    const controller = new AbortController();
    const stream = new WebSocketStream(origin + plan.endpoint, plan.withSignal ? { signal: controller.signal } : {});
    let handshakeOver = false;
    const opened = outcomeOf(stream.opened, 'opened', CONNECTION_BOUND_MS);
    opened.then(() => { handshakeOver = true; }, () => { handshakeOver = true; });
    const closed = outcomeOf(stream.closed, 'closed', CONNECTION_BOUND_MS);
    let streams = null;
    let reader = null;
    let writer = null;
    let abortReason;
    let aborted = false;
    let abortedDuringHandshake = false;
    let closeRequested = false;
    let badWritten = false;
    const writes = [];
    const reads = [];

    const closeStream = (closeInfo) => {
      if (skipCloseAfterHandshakeAbort && abortedDuringHandshake) return;
      stream.close(closeInfo);
    };
    const ensureStreams = async () => {
      if (streams !== null) return streams;
      // Every endpoint answers (or fails) its handshake at once, except the one that never does.
      const result = await outcomeOf(stream.opened, 'opened', OPEN_WAIT_MS).catch(() => null);
      if (result?.status !== 'fulfilled') return null;
      streams = result.value;
      reader = streams.readable.getReader();
      writer = streams.writable.getWriter();
      return streams;
    };
    const reasonOf = (kind) => {
      if (kind === 'websocket-error') return new WebSocketError('fuzz', { closeCode: 4321, reason: 'fuzzed' });
      if (kind === 'string') return 'fuzzed reason';
      return undefined;
    };

    for (const step of plan.steps) {
      switch (step.action) {
        case 'write-text':
        case 'write-bytes':
        case 'write-bad': {
          if (!(await ensureStreams())) break;
          const chunk = step.action === 'write-text' ? 'fuzz text' : step.action === 'write-bytes' ? new Uint8Array(step.size) : Symbol('not a string');
          const write = writer.write(chunk);
          write.catch(() => {});
          writes.push({ write, bad: step.action === 'write-bad', afterClose: closeRequested });
          if (step.action === 'write-bad') badWritten = true;
          break;
        }
        case 'read':
          if (!(await ensureStreams())) break;
          reads.push(outcomeOf(reader.read(), 'a read', CONNECTION_BOUND_MS));
          break;
        case 'close':
          closeRequested = true;
          closeStream(step.closeCode === undefined ? undefined : { closeCode: step.closeCode, reason: step.reason });
          break;
        case 'abort-signal':
          if (!handshakeOver && plan.withSignal) abortedDuringHandshake = true;
          controller.abort(new Error('fuzz abort'));
          break;
        case 'cancel':
          if (!(await ensureStreams())) break;
          reader.cancel(reasonOf(step.reasonKind)).catch(() => {});
          break;
        case 'abort':
          if (!(await ensureStreams())) break;
          if (!aborted) {
            aborted = true;
            abortReason = reasonOf(step.reasonKind);
          }
          writer.abort(abortReason).catch(() => {});
          break;
        case 'wait':
          await new Promise((resolve) => setTimeout(resolve, step.ms));
          break;
        case 'await-opened':
          await outcomeOf(stream.opened, 'opened', OPEN_WAIT_MS).catch(() => {});
          break;
      }
    }
    closeStream();

    // Invariant: opened and closed settle within the bound once the application has closed.
    let openedOutcome;
    let closedOutcome;
    try {
      openedOutcome = await within(opened, 'opened', SETTLE_MS);
      closedOutcome = await within(closed, 'closed', SETTLE_MS);
    } catch (error) {
      violations.push(error.message);
      return { seed, plan, violations };
    }
    if (openedOutcome.status === 'rejected') {
      check(closedOutcome.status === 'rejected', 'opened rejected but closed fulfilled');
      return { seed, plan, violations };
    }
    if (closedOutcome.status === 'rejected') {
      check(closedOutcome.reason instanceof WebSocketError, `closed rejected with ${closedOutcome.reason?.name}, not a WebSocketError`);
    }

    // Invariant: every write settles; a bad-input write rejects with TypeError.
    for (const [index, { write, bad, afterClose }] of writes.entries()) {
      try {
        const outcome = await outcomeOf(write, `write #${index}`, SETTLE_MS);
        // A bad write rejects: with TypeError while the writable is open, else with its stored error.
        if (bad && !afterClose) check(outcome.status === 'rejected', `write #${index} of a Symbol fulfilled`);
      } catch (error) {
        violations.push(error.message);
      }
    }
    for (const [index, read] of reads.entries()) {
      await within(read, `read #${index}`, SETTLE_MS).catch((error) => violations.push(error.message));
    }

    // Invariant: the streams end consistently with closed.
    if (streams === null) await ensureStreams();
    if (streams !== null) {
      const endOfReadable = await drain(reader);
      if (endOfReadable === 'pending') violations.push('the readable never ended');
      else if (closedOutcome.status === 'fulfilled') check(endOfReadable.done === true, `readable ended with ${describe(endOfReadable)} after a clean close`);
      else check(endOfReadable.error === closedOutcome.reason || endOfReadable.done === true, `readable errored with ${describe(endOfReadable)}, not the closed error`);

      const writerClosed = await outcomeOf(writer.closed, 'writer.closed', SETTLE_MS).catch((error) => ({ status: 'pending', error }));
      if (writerClosed.status === 'pending') violations.push('writer.closed never settled');
      else {
        // The writable's stored error: the abort reason if the abort came first; an InvalidStateError
        // after a clean close, or when a write was in flight at the close; else closed's error.
        const isInvalidState = writerClosed.reason?.name === 'InvalidStateError';
        const matchesClose = isInvalidState || (closedOutcome.status === 'rejected' && writerClosed.reason === closedOutcome.reason);
        // A write rejected for bad input errors the writable with that TypeError (the connection stays open).
        const fromBadWrite = badWritten && writerClosed.reason instanceof TypeError;
        check(writerClosed.status === 'rejected' && (matchesClose || fromBadWrite || (aborted && writerClosed.reason === abortReason)),
          `writable ended with ${writerClosed.status} ${describe(writerClosed.reason)}, inconsistent with closed (${closedOutcome.status})`);
      }
    }
    return { seed, plan, violations };
  }

  // Reads until the readable ends. → { done: true } | { error } | 'pending'.
  async function drain(reader) {
    for (let i = 0; i < 10_000; i++) {
      let outcome;
      try {
        outcome = await outcomeOf(reader.read(), 'read', SETTLE_MS);
      } catch {
        return 'pending';
      }
      if (outcome.status === 'rejected') return { error: outcome.reason };
      if (outcome.value.done) return { done: true };
    }
    return 'pending';
  }

  function describe(value) {
    if (value === undefined) return 'undefined';
    if (value?.error) return `error ${value.error?.name}`;
    return value?.name ?? JSON.stringify(value);
  }

  /**
   * Runs `seeds` with up to `concurrency` at once; `options` go to runSeed. → a Map from seed to
   * the promise of its result, filled at once, so a caller can await seeds in any order.
   */
  function startSeeds(seeds, origin, interfaces, { concurrency = 16, ...options } = {}) {
    const results = new Map();
    const starters = new Map();
    for (const seed of seeds) {
      results.set(seed, new Promise((resolve) => starters.set(seed, resolve)));
    }
    let next = 0;
    const worker = async () => {
      while (next < seeds.length) {
        const seed = seeds[next++];
        const result = await runSeed(seed, origin, interfaces, options)
          .catch((error) => ({ seed, plan: planFor(seed), violations: [`threw: ${error?.stack ?? error}`] }));
        starters.get(seed)(result);
      }
    };
    for (let i = 0; i < Math.min(concurrency, seeds.length); i++) worker();
    return results;
  }

  globalThis.webSocketStreamFuzz = { mulberry32, planFor, runSeed, startSeeds };
})();
