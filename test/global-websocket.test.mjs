// The behavioural suite through the plain ponyfill entry (dist/index.js), which carries
// connections over the environment's global WebSocket — in Node.js, undici's. Node 20 only has it
// with --experimental-websocket (Node 22 and later always do); `npm run test:unit` passes the flag,
// and run without it this file runs itself again in a child process that has it.
//
//   node --test --experimental-websocket test/global-websocket.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { defineBehaviourSuite } from './support/behaviour-suite.mjs';
import { runTestFileInChild } from './support/child-test.mjs';

ensureBuild();

if (typeof globalThis.WebSocket !== 'function') {
  test('the suite over the global WebSocket, in a child process started with --experimental-websocket', () => {
    const child = runTestFileInChild(import.meta.url, { nodeArgs: ['--experimental-websocket'], reporter: 'tap', timeoutMs: 120_000 });
    const count = (/** @type {string} */ name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(child.stdout)?.[1]);
    assert.ok(child.ok, `the suite failed:\n${child.stdout}\n${child.stderr}`);
    assert.ok(count('pass') > 0 && count('fail') === 0, `the suite did not run:\n${child.stdout}\n${child.stderr}`);
  });
} else {
  const polyfill = await import('../dist/index.js');

  defineBehaviourSuite({
    adapter: 'global',
    polyfill,
    limitations: {
      receiveBackpressure:
        "the WebSocket API (undici's here, as a browser's) has no way to stop reading from the network: the polyfill can only queue " +
        'what arrives (README.md, "Where a polyfill cannot match native"), so a paused reader bounds nothing and the ' +
        'server is never slowed down; every message must still arrive intact and in order',
    },
  });
}
