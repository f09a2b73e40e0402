// What `--candidate` names, served or loaded so that it can stand beside the current build: another
// build's dist/ folder, or a single classic script (a baseline such as bench/baselines/*.js) that
// exposes `WebSocketStreamPolyfill` as the build's classic script does.
//
// Every copy of the polyfill in a realm hands out the WebSocketStream of the first one (realm.ts),
// found under a symbol named with REALM_KEY_PATTERN: a candidate is given a key of its own, or the
// bench would measure the current build twice.
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const REALM_KEY_PATTERN = /websocketstream-polyfill\.realm\.v\d+/g;

/** @param {string} code */
function withCandidateRealm(code) {
  return code.replace(REALM_KEY_PATTERN, (key) => `${key}.candidate`);
}

/** Whether `candidate` names a single classic script rather than a dist/ folder. @param {string} candidate */
function isCandidateScript(candidate) {
  return candidate.endsWith('.js');
}

/**
 * The classic script a browser page loads as the candidate.
 * @param {string} candidate a dist/ folder or a script
 */
export async function candidateClassicScript(candidate) {
  const file = isCandidateScript(candidate) ? candidate : path.join(candidate, 'websocketstream-polyfill.min.js');
  return withCandidateRealm(await readFile(file, 'utf8'));
}

/**
 * A copy of a candidate dist/ folder whose ES modules keep a realm record of their own, for a Node
 * process that already loaded the current build. → the copy's folder, under the system's temp folder.
 * @param {string} candidate
 */
export async function candidateModuleFolder(candidate) {
  if (isCandidateScript(candidate)) throw new Error('a single-script candidate runs in browsers only; give Node a dist/ folder');
  const folder = await mkdtemp(path.join(os.tmpdir(), 'bench-candidate-'));
  await cp(candidate, folder, { recursive: true });
  const entries = await readdir(folder, { recursive: true });
  for (const entry of entries.filter((name) => name.endsWith('.js'))) {
    const file = path.join(folder, entry);
    await writeFile(file, withCandidateRealm(await readFile(file, 'utf8')));
  }
  return folder;
}
