// The conformance test server: the WPT tree over http and https, generated
// test pages for `.any.js` files, and upstream-named WebSocket endpoints on
// their own ws and wss ports. Every port is chosen free at start.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../lib/escape-html.mjs';
import { createSelfSignedCertificate } from './certificate.mjs';
import { Lifetime } from './lifetime.mjs';
import { listTestFiles, parseMeta, testPages } from './meta.mjs';
import { LEGACY_POLYFILL_PREFIX, LEGACY_POLYFILL_SCRIPT_PATH, POLYFILL_PREFIX, POLYFILL_SCRIPT_PATH, windowPage, workerPage, workerScript } from './pages.mjs';
import { contentTypeOf, extraHeadersFor, resolveFile } from './static-files.mjs';
import { Stash } from './stash.mjs';
import { isSubstitutedFile, substitute } from './substitution.mjs';
import { createWebSocketEndpoints } from './websocket-endpoints.mjs';
import { LauncherSessions } from './launcher-sessions.mjs';
import { requestUrl } from './request-url.mjs';

export { listTestFiles, parseMeta, testPages } from './meta.mjs';
export { variantName, variantQuery } from './meta.mjs';

/** @typedef {import('../lib/types.mjs').ServerAnswer} ServerAnswer */
/** @typedef {import('node:stream').Duplex} Duplex */
/**
 * What every request handler is handed.
 * @typedef {object} ServerContext
 * @property {string} wptRoot
 * @property {string} polyfillFile
 * @property {string} legacyPolyfillFile  served under /_polyfill_legacy/
 * @property {string} host
 * @property {Record<string, number>} ports  by scheme: http, https, ws, wss
 * @property {Stash} stash
 * @property {LauncherSessions} launcher
 * @property {(line: string) => void} report
 */
/**
 * A running test server (startServer()).
 * @typedef {object} TestServer
 * @property {string} host
 * @property {string} httpOrigin
 * @property {string} httpsOrigin
 * @property {string} wsOrigin
 * @property {string} wssOrigin
 * @property {{ http: number, https: number, ws: number, wss: number }} ports
 * @property {string} certificate  the self-signed certificate, PEM
 * @property {() => Promise<void>} close
 */

const serverDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(serverDirectory, '../..');
const wptRunnerDirectory = path.dirname(createRequire(import.meta.url).resolve('wpt-runner/package.json'));

// Files served whatever the WPT root is: testharness.js as shipped by the
// wpt-runner package, and our report hook that hands results to the drivers.
/** @type {Record<string, string>} */
const HARNESS_FILES = {
  '/resources/testharness.js': path.join(wptRunnerDirectory, 'testharness/testharness.js'),
  '/resources/testharnessreport.js': path.join(serverDirectory, 'testharnessreport.js'),
};
// Served from the package only when the WPT root has no copy of its own.
/** @type {Record<string, string>} */
const HARNESS_FALLBACK_FILES = {
  '/resources/idlharness.js': path.join(wptRunnerDirectory, 'testharness/idlharness.js'),
  '/resources/WebIDLParser.js': path.join(wptRunnerDirectory, 'testharness/webidl2/lib/webidl2.js'),
};

// Generated documents: URL suffix → how to make it from the .any.js source.
/**
 * @typedef {object} GeneratedDocument
 * @property {string} suffix
 * @property {import('../lib/types.mjs').Scope} scope
 * @property {string} type
 * @property {(testPath: string, meta: import('../lib/types.mjs').TestMeta, options: import('./pages.mjs').PageOptions) => string} make
 */
/** @type {GeneratedDocument[]} */
const GENERATED = [
  { suffix: '.any.html', scope: 'window', type: 'text/html; charset=utf-8', make: windowPage },
  { suffix: '.any.worker.html', scope: 'worker', type: 'text/html; charset=utf-8', make: workerPage },
  { suffix: '.any.worker.js', scope: 'worker', type: 'text/javascript; charset=utf-8', make: workerScript },
];

/**
 * The legacy build beside a modern one: dist/websocketstream-polyfill.legacy.min.js.
 * @param {string} polyfillFile
 */
export function legacyBuildBeside(polyfillFile) {
  return path.join(path.dirname(path.resolve(polyfillFile)), 'websocketstream-polyfill.legacy.min.js');
}

/**
 * @param {{ wptRoot?: string, polyfillFile?: string, legacyPolyfillFile?: string, host?: string, log?: boolean }} [options]
 * @returns {Promise<TestServer>}
 */
export async function startServer({
  wptRoot = path.join(repositoryRoot, 'wpt'),
  polyfillFile = path.join(repositoryRoot, 'dist/websocketstream-polyfill.js'),
  // Served under /_polyfill_legacy/, for browsers that cannot parse the modern build.
  legacyPolyfillFile = legacyBuildBeside(polyfillFile),
  host = '127.0.0.1',
  log = false,
} = {}) {
  /** @type {(line: string) => void} */
  const report = log ? (line) => console.error(`[wpt-server] ${line}`) : () => {};
  const { cert, key } = await createSelfSignedCertificate(host);
  const lifetime = new Lifetime();
  const stash = new Stash();
  // Sessions of browsers the launcher driver started (drivers/launcher.mjs).
  const launcher = new LauncherSessions();
  /** @type {Record<string, number>} */
  const ports = {};
  /** @type {ServerContext} */
  const context = { wptRoot: path.resolve(wptRoot), polyfillFile: path.resolve(polyfillFile), legacyPolyfillFile: path.resolve(legacyPolyfillFile), host, ports, stash, launcher, report };

  const servers = createServers({ cert, key }, context, lifetime);

  try {
    for (const [scheme, server] of Object.entries(servers)) {
      ports[scheme] = await listen(server, host);
    }
  } catch (error) {
    await closeServers(servers, lifetime, launcher);
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  report(`serving ${context.wptRoot} on http :${ports.http}, https :${ports.https}, ws :${ports.ws}, wss :${ports.wss}`);
  return {
    host,
    httpOrigin: `http://${urlHost}:${ports.http}`,
    httpsOrigin: `https://${urlHost}:${ports.https}`,
    wsOrigin: `ws://${urlHost}:${ports.ws}`,
    wssOrigin: `wss://${urlHost}:${ports.wss}`,
    ports: /** @type {TestServer['ports']} */ ({ ...ports }),
    // The self-signed certificate, for a client that wants to trust it rather than skip verification.
    certificate: cert,
    close: () => closeServers(servers, lifetime, launcher),
  };
}

/**
 * The four servers, not listening yet: pages over http and https, WebSocket endpoints on ws and wss.
 * @param {{ cert: string, key: string }} credentials
 * @param {ServerContext} context
 * @param {Lifetime} lifetime
 */
function createServers({ cert, key }, context, lifetime) {
  const handleWebSocketUpgrade = createWebSocketEndpoints({ lifetime, stash: context.stash, log: context.report });
  /** @type {http.RequestListener} */
  const answerPlainRequestOnWebSocketPort = (request, response) => {
    respond(response, 426, 'text/plain', 'This port only serves WebSocket endpoints.\n');
  };
  const servers = {
    http: http.createServer((request, response) => serveHttp(request, response, 'http', context)),
    https: https.createServer({ cert, key }, (request, response) => serveHttp(request, response, 'https', context)),
    ws: http.createServer(answerPlainRequestOnWebSocketPort),
    wss: https.createServer({ cert, key }, answerPlainRequestOnWebSocketPort),
  };
  servers.ws.on('upgrade', handleWebSocketUpgrade);
  servers.wss.on('upgrade', handleWebSocketUpgrade);
  for (const scheme of /** @type {const} */ (['http', 'https'])) {
    servers[scheme].on('upgrade', (request, socket) => answerUpgradeOnHttpPort(request, socket, scheme, context, lifetime));
  }
  for (const server of Object.values(servers)) {
    // A client that vanishes mid-TLS-handshake is not the server's failure.
    server.on('tlsClientError', (error) => context.report(`tls: ${error.message}`));
    server.on('clientError', (/** @type {Error} */ error, /** @type {Duplex} */ socket) => socket.destroy());
  }
  return servers;
}

/**
 * @param {http.Server} server
 * @param {string} host
 * @returns {Promise<number>} the port
 */
function listen(server, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve(/** @type {import('node:net').AddressInfo} */ (server.address()).port);
    });
  });
}

/**
 * @param {Record<string, http.Server>} servers
 * @param {Lifetime} lifetime
 * @param {LauncherSessions} launcher
 */
async function closeServers(servers, lifetime, launcher) {
  lifetime.end();
  // Held long polls are answered, so their timers do not outlive the server.
  launcher.end();
  await Promise.all(Object.values(servers).map((server) => new Promise((/** @type {(value?: void) => void} */ resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  })));
}

/**
 * @param {http.ServerResponse} response
 * @param {number} status
 * @param {string} type
 * @param {string|Buffer} body
 */
function respond(response, status, type, body) {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(body);
}

// A WebSocket handshake sent to the http(s) port, as upstream's abort test
// does to prove no connection is made: stash-put.py records it; the handshake
// always fails, since WebSocket endpoints live on the ws/wss ports.
/**
 * @param {http.IncomingMessage} request
 * @param {Duplex} socket
 * @param {string} scheme
 * @param {ServerContext} context
 * @param {Lifetime} lifetime
 */
function answerUpgradeOnHttpPort(request, socket, scheme, { stash, report }, lifetime) {
  lifetime.adopt(socket);
  socket.on('error', () => {});
  const answer = stash.handle(requestUrl(request, `${scheme}://server`));
  report(`upgrade on ${scheme} port ${request.url} → ${answer ? answer.status : 404}`);
  const status = answer ? `${answer.status} OK` : '404 Not Found';
  const body = answer ? answer.body : '';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/**
 * @param {http.IncomingMessage} request
 * @param {http.ServerResponse} response
 * @param {string} scheme
 * @param {ServerContext} context
 */
async function serveHttp(request, response, scheme, context) {
  const url = requestUrl(request, `${scheme}://${request.headers.host ?? context.host}`);
  try {
    const answer = await answerHttp(request, url, context);
    context.report(`${request.method} ${scheme} ${url.pathname}${url.search} → ${answer.status}`);
    if (answer.headers) for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
    respond(response, answer.status, answer.type, answer.body);
  } catch (caught) {
    const error = /** @type {Error} */ (caught);
    context.report(`${request.method} ${scheme} ${url.pathname} → 500 ${error.message}`);
    if (!response.headersSent) respond(response, 500, 'text/plain; charset=utf-8', `${error.message}\n`);
    else response.destroy();
  }
}

/** @param {string} what @returns {ServerAnswer} */
const notFound = (what) => ({ status: 404, type: 'text/plain; charset=utf-8', body: `Not found: ${what}\n` });

/**
 * @param {http.IncomingMessage} request
 * @param {URL} url
 * @param {ServerContext} context
 * @returns {Promise<ServerAnswer>}
 */
async function answerHttp(request, url, context) {
  const { pathname } = url;

  const body = await readBody(request);
  const stashAnswer = context.stash.handle(url, body);
  if (stashAnswer) return { ...stashAnswer, headers: { 'Access-Control-Allow-Origin': '*' } };

  const launcherAnswer = context.launcher.handle(request.method ?? 'GET', url, body);
  if (launcherAnswer) return launcherAnswer;

  if (HARNESS_FILES[pathname]) return fileAnswer(HARNESS_FILES[pathname]);
  if (pathname === POLYFILL_SCRIPT_PATH || pathname === `${POLYFILL_SCRIPT_PATH}.map`) {
    return polyfillAnswer(pathname, context.polyfillFile);
  }
  if (pathname === LEGACY_POLYFILL_SCRIPT_PATH || pathname === `${LEGACY_POLYFILL_SCRIPT_PATH}.map`) {
    return polyfillAnswer(pathname, context.legacyPolyfillFile);
  }
  if (pathname === '/') return indexAnswer(context);

  const prefix = [LEGACY_POLYFILL_PREFIX, POLYFILL_PREFIX].find((candidate) => pathname.startsWith(`${candidate}/`));
  const treePath = prefix ? pathname.slice(prefix.length) : pathname;
  const polyfillScript = prefix === LEGACY_POLYFILL_PREFIX ? LEGACY_POLYFILL_SCRIPT_PATH : POLYFILL_SCRIPT_PATH;

  const generated = GENERATED.find(({ suffix }) => treePath.endsWith(suffix));
  if (generated) return generatedAnswer(generated, treePath, { polyfill: Boolean(prefix), polyfillScript }, context);

  const filePath = await resolveFile(context.wptRoot, treePath);
  if (!filePath) {
    if (HARNESS_FALLBACK_FILES[treePath]) return fileAnswer(HARNESS_FALLBACK_FILES[treePath]);
    return notFound(pathname);
  }
  const headers = await extraHeadersFor(filePath);
  if (isSubstitutedFile(treePath)) {
    const text = substitute(await readFile(filePath, 'utf8'), { host: context.host, ports: context.ports, requestUrl: url });
    return { status: 200, type: contentTypeOf(filePath), body: text, headers };
  }
  return { ...await fileAnswer(filePath), headers };
}

/**
 * @param {string} filePath
 * @returns {Promise<ServerAnswer>}
 */
async function fileAnswer(filePath) {
  return { status: 200, type: contentTypeOf(filePath), body: await readFile(filePath) };
}

/**
 * @param {string} pathname
 * @param {string} polyfillFile
 */
async function polyfillAnswer(pathname, polyfillFile) {
  const filePath = pathname.endsWith('.map') ? `${polyfillFile}.map` : polyfillFile;
  try {
    return await fileAnswer(filePath);
  } catch {
    return notFound(`${filePath} (build the polyfill first: npm run build)`);
  }
}

/**
 * @param {GeneratedDocument} generated
 * @param {string} treePath
 * @param {import('./pages.mjs').PageOptions} pageOptions
 * @param {ServerContext} context
 * @returns {Promise<ServerAnswer>}
 */
async function generatedAnswer({ suffix, scope, type, make }, treePath, pageOptions, context) {
  const testPath = treePath.slice(0, -suffix.length) + '.any.js';
  const filePath = await resolveFile(context.wptRoot, testPath);
  if (!filePath) return notFound(testPath);
  const meta = parseMeta(await readFile(filePath, 'utf8'));
  if (!meta.globals.includes(scope)) return notFound(`${testPath} does not run in scope "${scope}" (META global=)`);
  return { status: 200, type, body: make(testPath, meta, pageOptions), headers: await extraHeadersFor(filePath) };
}

// A page for people: every test page of the tree, native and polyfilled.
/**
 * @param {ServerContext} context
 * @returns {Promise<ServerAnswer>}
 */
async function indexAnswer({ wptRoot }) {
  const items = [];
  for (const file of await listTestFiles(wptRoot).catch(() => [])) {
    const meta = parseMeta(await readFile(path.join(wptRoot, file), 'utf8'));
    const links = testPages(file, meta).flatMap(({ path: pagePath, scope, variant }) => [
      `<a href="${escapeHtml(pagePath)}">${scope} ${variant}</a>`,
      `<a href="${POLYFILL_PREFIX}${escapeHtml(pagePath)}">${scope} ${variant} (polyfill)</a>`,
    ]);
    items.push(`<li>${escapeHtml(file)}: ${links.join(' · ')}</li>`);
  }
  const body = `<!doctype html>\n<meta charset="utf-8">\n<title>WebSocketStream conformance</title>\n<ul>\n${items.join('\n')}\n</ul>\n`;
  return { status: 200, type: 'text/html; charset=utf-8', body };
}

/**
 * @param {http.IncomingMessage} request
 * @returns {Promise<string>}
 */
function readBody(request) {
  if (request.method === 'GET' || request.method === 'HEAD') return Promise.resolve('');
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
