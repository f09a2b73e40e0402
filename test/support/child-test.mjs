// Runs a node:test file again in a child Node process — with a flag this process was started
// without, or an environment of its own — bounded, with its output handed back.
import { fileURLToPath } from 'node:url';
import { run } from '../../conformance/lib/command.mjs';

/**
 * Runs the test file at `fileUrl` (an import.meta.url) in a child `node --test`, with `nodeArgs`
 * before it and `env` laid over this process's environment. → run()'s result, output captured.
 * @param {string} fileUrl
 * @param {{ nodeArgs?: string[], reporter?: string, env?: Record<string, string|undefined>, timeoutMs: number }} options
 */
export function runTestFileInChild(fileUrl, { nodeArgs = [], reporter = 'spec', env = {}, timeoutMs }) {
  const args = [...nodeArgs, '--test', `--test-reporter=${reporter}`, fileURLToPath(fileUrl)];
  // A child that inherits the parent runner's NODE_TEST_CONTEXT reports to it instead of running.
  return run(process.execPath, args, { capture: true, timeoutMs, env: { ...env, NODE_TEST_CONTEXT: undefined } });
}
