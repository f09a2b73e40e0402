// The behavioural suite through the Node.js entry point, which carries connections over the `ws`
// package (pause/resume for receive backpressure, send callbacks for send backpressure).
//
//   node --test test/ws-adapter.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { defineBehaviourSuite } from './support/behaviour-suite.mjs';

ensureBuild();
const polyfill = await import('../dist/node.js');

test('dist/node.js carries connections over the ws package', () => {
  assert.equal(polyfill.socketImplementation, 'ws');
});

defineBehaviourSuite({ adapter: 'ws', polyfill });
