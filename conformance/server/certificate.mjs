// A throwaway self-signed certificate for the https and wss servers, made
// with the `openssl` command at every start and never written into the
// repository: it lives in a temporary directory only for as long as openssl
// needs it, then stays in memory.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** → { cert, key } as PEM strings, valid for `host`, localhost and 127.0.0.1 for two days. */
export async function createSelfSignedCertificate(host = '127.0.0.1') {
  const directory = await mkdtemp(path.join(tmpdir(), 'wss-cert-'));
  const keyFile = path.join(directory, 'key.pem');
  const certFile = path.join(directory, 'cert.pem');
  const altNames = new Set(['IP:127.0.0.1', 'DNS:localhost', /^[\d.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`]);
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-days', '2', '-subj', `/CN=${host}`,
      '-addext', `subjectAltName=${[...altNames].join(',')}`,
      '-keyout', keyFile, '-out', certFile,
    ]);
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch (caught) {
    const error = /** @type {NodeJS.ErrnoException & { stderr?: string }} */ (caught);
    if (error.code === 'ENOENT') {
      throw new Error('The conformance server needs the `openssl` command to make a certificate for https/wss; install it (Debian: apt-get install openssl).', { cause: caught });
    }
    throw new Error(`openssl failed to make a certificate: ${error.stderr || error.message}`, { cause: caught });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
