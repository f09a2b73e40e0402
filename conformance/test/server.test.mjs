// The conformance server against real clients: `ws` for the WebSocket
// endpoints, fetch for HTTP, jsdom for the report hook. Every wait is bounded.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { startServer } from '../server/index.mjs';

/** @typedef {import('../server/index.mjs').TestServer} TestServer */
/** @typedef {{ data: Buffer, isBinary: boolean }} Message  ws's binaryType is nodebuffer: one Buffer per message */
/** @typedef {{ code: number, reason: string }} CloseInfo */

const TIMEOUT = 5000;

/**
 * The promise, or a rejection naming `what` once `ms` have passed.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function within(promise, ms, what) {
  /** @type {NodeJS.Timeout|undefined} */
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

/**
 * The status code of a GET with exactly this request-target (fetch would normalise it).
 * @param {number} port
 * @param {string} target
 * @returns {Promise<number>}
 */
function rawGetStatus(port, target) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk; });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])));
    socket.on('error', reject);
  });
}

/**
 * A `ws` client and promises for what it sees. Every message is queued.
 * @param {string} url
 * @param {import('ws').ClientOptions & { protocols?: string[] }} [options]
 */
function connect(url, { protocols, ...options } = {}) {
  const socket = new WebSocket(url, protocols, options);
  /** @type {Message[]} */
  const messages = [];
  /** @type {((message: Message) => void)[]} */
  const waiters = [];
  socket.on('message', (data, isBinary) => {
    const message = { data: /** @type {Buffer} */ (data), isBinary };
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  const opened = new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
    socket.once('unexpected-response', (request, response) => reject(Object.assign(new Error('unexpected response'), { status: response.statusCode })));
  });
  /** @type {Promise<CloseInfo>} */
  const closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  opened.catch(() => {});
  return {
    socket,
    opened: within(opened, TIMEOUT, `open ${url}`),
    closed,
    nextMessage: () => within(
      messages.length > 0
        ? Promise.resolve(/** @type {Message} */ (messages.shift()))
        : /** @type {Promise<Message>} */ (new Promise((resolve) => waiters.push(resolve))),
      TIMEOUT, 'next message'),
  };
}

describe('WebSocket endpoints', () => {
  /** @type {TestServer} */
  let server;
  let ws = '';
  before(async () => {
    server = await startServer();
    ws = `ws://127.0.0.1:${server.ports.ws}`;
  });
  after(() => server.close());

  test('/echo echoes text as text and binary as binary', async () => {
    const client = connect(`${ws}/echo`);
    await client.opened;
    client.socket.send('hé ✓');
    const text = await client.nextMessage();
    assert.equal(text.isBinary, false);
    assert.equal(text.data.toString(), 'hé ✓');
    client.socket.send(Buffer.from([0, 1, 255]));
    const binary = await client.nextMessage();
    assert.equal(binary.isBinary, true);
    assert.deepEqual([...binary.data], [0, 1, 255]);
    client.socket.close();
    await within(client.closed, TIMEOUT, 'close');
  });

  test('/echo answers a close frame with the same code and reason', async () => {
    const client = connect(`${ws}/echo`);
    await client.opened;
    client.socket.close(4321, 'réason');
    assert.deepEqual(await within(client.closed, TIMEOUT, 'close'), { code: 4321, reason: 'réason' });
  });

  test('/echo answers a close frame with no body with no body (1005)', async () => {
    const client = connect(`${ws}/echo`);
    await client.opened;
    client.socket.close();
    assert.deepEqual(await within(client.closed, TIMEOUT, 'close'), { code: 1005, reason: '' });
  });

  test('/echo selects the subprotocol "echo" when offered and no other, like upstream', async () => {
    const withEcho = connect(`${ws}/echo`, { protocols: ['chat', 'echo'] });
    await withEcho.opened;
    assert.equal(withEcho.socket.protocol, 'echo');
    withEcho.socket.close();
    // A server that selects none of the offered subprotocols fails the client's handshake.
    const withoutEcho = connect(`${ws}/echo`, { protocols: ['chat'] });
    await assert.rejects(withoutEcho.opened, /no subprotocol/);
  });

  test('/echo_exit echoes, then closes with 1000 after "Goodbye"', async () => {
    const client = connect(`${ws}/echo_exit`);
    await client.opened;
    client.socket.send('first');
    assert.equal((await client.nextMessage()).data.toString(), 'first');
    client.socket.send('Goodbye');
    assert.equal((await client.nextMessage()).data.toString(), 'Goodbye');
    assert.deepEqual(await within(client.closed, TIMEOUT, 'close'), { code: 1000, reason: '' });
  });

  test('/remote-close closes with the code and the percent-decoded UTF-8 reason', async () => {
    const client = connect(`${ws}/remote-close?code=4567&reason=${encodeURIComponent('bye ✓ 😀')}`);
    await client.opened;
    assert.deepEqual(await within(client.closed, TIMEOUT, 'close'), { code: 4567, reason: 'bye ✓ 😀' });
  });

  test('/remote-close without a code sends a close frame with no body', async () => {
    const client = connect(`${ws}/remote-close`);
    await client.opened;
    assert.deepEqual(await within(client.closed, TIMEOUT, 'close'), { code: 1005, reason: '' });
  });

  test('/remote-close?abrupt=1 drops the connection with no close frame', async () => {
    const client = connect(`${ws}/remote-close?abrupt=1&code=1000`);
    await client.opened;
    // `ws` reports 1006 only when the TCP connection ended without a close frame.
    assert.deepEqual(await within(client.closed, TIMEOUT, 'close'), { code: 1006, reason: '' });
  });

  test('/remote-close-with-unsent-data stops reading at the first message, closes, and reads again after 0.5 s', async () => {
    const client = connect(`${ws}/remote-close-with-unsent-data?code=4567&reason=unsent`);
    await client.opened;
    const start = performance.now();
    client.socket.send('start');
    // Far more than the socket buffers hold: the tail can only go out once the server reads again.
    /** @type {Promise<number>} */
    const sent = new Promise((resolve, reject) => {
      client.socket.send(Buffer.alloc(32 * 1024 * 1024), (error) => (error ? reject(error) : resolve(performance.now() - start)));
    });
    const closeInfo = await within(client.closed, TIMEOUT, 'close');
    const sendMs = await within(sent, TIMEOUT, 'send');
    assert.deepEqual(closeInfo, { code: 4567, reason: 'unsent' });
    assert.ok(sendMs >= 400, `the 32 MiB went out after ${sendMs} ms`);
  });

  test('/remote-close?after_message=1 waits for the client\'s first message, then closes or drops', async () => {
    const closing = connect(`${ws}/remote-close?after_message=1&code=4003&reason=now`);
    await closing.opened;
    const early = await Promise.race([closing.closed, new Promise((resolve) => setTimeout(() => resolve('still open'), 300))]);
    assert.equal(early, 'still open');
    closing.socket.send('close now');
    assert.deepEqual(await within(closing.closed, TIMEOUT, 'close'), { code: 4003, reason: 'now' });

    const dropping = connect(`${ws}/remote-close?after_message=1&abrupt=1`);
    await dropping.opened;
    dropping.socket.send(Buffer.from([1]));
    assert.deepEqual(await within(dropping.closed, TIMEOUT, 'close'), { code: 1006, reason: '' });
  });

  test('/delayed-passive-close answers the close frame (same code and reason) after about a second', async () => {
    const client = connect(`${ws}/delayed-passive-close`);
    await client.opened;
    const start = performance.now();
    client.socket.close(4001, 'later');
    const closeInfo = await within(client.closed, TIMEOUT, 'close');
    const elapsed = performance.now() - start;
    assert.deepEqual(closeInfo, { code: 4001, reason: 'later' });
    assert.ok(elapsed >= 950 && elapsed < 3000, `answered after ${elapsed} ms`);
  });

  test('/delayed-passive-close answers a close frame with no body with no body', async () => {
    const client = connect(`${ws}/delayed-passive-close`);
    await client.opened;
    client.socket.send('ignored');
    client.socket.close();
    assert.deepEqual(await within(client.closed, TIMEOUT, 'close'), { code: 1005, reason: '' });
  });

  test('/passive-close-abort drops the connection instead of answering the close frame', async () => {
    const client = connect(`${ws}/passive-close-abort`);
    await client.opened;
    const start = performance.now();
    client.socket.close(4002, 'answer me');
    const closeInfo = await within(client.closed, TIMEOUT, 'close');
    // Well before `ws`'s own 30 s closing timeout: the server dropped it.
    assert.ok(performance.now() - start < 2000);
    assert.deepEqual(closeInfo, { code: 1006, reason: '' });
  });

  test('/protocol_array selects the first offered subprotocol and sends its name', async () => {
    const client = connect(`${ws}/protocol_array`, { protocols: ['alpha', 'beta'] });
    await client.opened;
    assert.equal(client.socket.protocol, 'alpha');
    const message = await client.nextMessage();
    assert.equal(message.isBinary, false);
    assert.equal(message.data.toString(), 'alpha');
    client.socket.close();
  });

  test('/send-backpressure: empty message, 16 × 1 MiB, then the seconds they took, which grow while the client does not read', async () => {
    const client = connect(`${ws}/send-backpressure`);
    await client.opened;
    client.socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    client.socket.resume();
    const empty = await client.nextMessage();
    assert.equal(empty.isBinary, true);
    assert.equal(empty.data.length, 0);
    for (let i = 0; i < 16; i++) {
      const large = await client.nextMessage();
      assert.equal(large.isBinary, true);
      assert.equal(large.data.length, 1024 * 1024);
    }
    const report = await client.nextMessage();
    assert.equal(report.isBinary, false);
    const seconds = Number(report.data.toString());
    assert.ok(seconds >= 0.8 && seconds < 10, `reported ${seconds} s`);
    client.socket.close();
  });

  test('/receive-backpressure reads nothing for 2 s, so a large send waits', async () => {
    const client = connect(`${ws}/receive-backpressure`);
    await client.opened;
    const start = performance.now();
    await within(/** @type {Promise<void>} */ (new Promise((resolve, reject) => {
      client.socket.send(Buffer.alloc(16 * 1024 * 1024), (error) => (error ? reject(error) : resolve()));
    })), TIMEOUT, 'send');
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 1500, `send completed after ${elapsed} ms`);
    client.socket.close();
    await within(client.closed, TIMEOUT, 'close');
  });

  test('/handshake_sleep_2 answers the handshake after 2 s, then echoes', async () => {
    const start = performance.now();
    const client = connect(`${ws}/handshake_sleep_2`);
    await client.opened;
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 1900 && elapsed < 4000, `opened after ${elapsed} ms`);
    client.socket.send('still here');
    assert.equal((await client.nextMessage()).data.toString(), 'still here');
    client.socket.close();
  });

  test('any other path fails the handshake with HTTP 404', async () => {
    const client = connect(`${ws}/no-such-handler`);
    await assert.rejects(client.opened, (/** @type {{ status?: number }} */ error) => error.status === 404);
  });

  test('the wss port serves the same endpoints with the generated certificate', async () => {
    const client = connect(`wss://127.0.0.1:${server.ports.wss}/echo`, { ca: server.certificate });
    await client.opened;
    client.socket.send('over tls');
    assert.equal((await client.nextMessage()).data.toString(), 'over tls');
    client.socket.close(4000, 'tls');
    assert.deepEqual(await within(client.closed, TIMEOUT, 'close'), { code: 4000, reason: 'tls' });
  });

  test('a plain HTTP request to a WebSocket port is answered 426', async () => {
    const response = await within(fetch(`http://127.0.0.1:${server.ports.ws}/echo`), TIMEOUT, 'fetch');
    assert.equal(response.status, 426);
    await response.text();
  });
});

describe('stash', () => {
  /** @type {TestServer} */
  let server;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  /** @param {string} origin @param {string} key */
  const take = async (origin, key) => {
    const response = await within(fetch(`${origin}/fetch/api/resources/stash-take.py?key=${key}`), TIMEOUT, 'stash-take');
    assert.equal(response.status, 200);
    return response.text();
  };

  test('stash-take answers null for an absent key, and a put value (as JSON) once', async () => {
    assert.equal(await take(server.httpOrigin, 'absent'), 'null');
    const put = await fetch(`${server.httpOrigin}/fetch/api/resources/stash-put.py?key=k1&value=v%C3%A9`);
    assert.equal(await put.text(), 'done');
    assert.equal(await take(server.httpOrigin, 'k1'), '"vé"');
    assert.equal(await take(server.httpOrigin, 'k1'), 'null');
  });

  test('the stash is shared by the http and https origins', async () => {
    await fetch(`${server.httpOrigin}/fetch/api/resources/stash-put.py?key=shared&value=1`);
    // Node's fetch has no way to trust one certificate; node:https does.
    const body = await within(/** @type {Promise<string>} */ (new Promise((resolve, reject) => {
      https.get(`${server.httpsOrigin}/fetch/api/resources/stash-take.py?key=shared`, { ca: server.certificate }, (response) => {
        let text = '';
        response.on('data', (chunk) => { text += chunk; });
        response.on('end', () => resolve(text));
      }).on('error', reject);
    })), TIMEOUT, 'https stash-take');
    assert.equal(body, '"1"');
  });

  test('a WebSocket handshake sent to stash-put.py on the http port records the value and fails', async () => {
    const client = connect(`ws://127.0.0.1:${server.ports.http}/fetch/api/resources/stash-put.py?key=k2&value=connected`);
    await assert.rejects(client.opened, (/** @type {{ status?: number }} */ error) => error.status === 200);
    assert.equal(await take(server.httpOrigin, 'k2'), '"connected"');
  });

  test('a connection to a WebSocket endpoint with ?stash_key= records "connected"', async () => {
    const client = connect(`ws://127.0.0.1:${server.ports.ws}/echo?stash_key=k3`);
    await client.opened;
    client.socket.close();
    assert.equal(await take(server.httpOrigin, 'k3'), '"connected"');
  });
});

describe('pages and files', () => {
  let root = '';
  /** @type {TestServer} */
  let server;
  /** @param {string} urlPath */
  const get = async (urlPath) => {
    const response = await within(fetch(`${server.httpOrigin}${urlPath}`), TIMEOUT, `GET ${urlPath}`);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'wpt-root-'));
    /** @param {string} relPath @param {string} text */
    const write = async (relPath, text) => {
      await mkdir(path.dirname(path.join(root, relPath)), { recursive: true });
      await writeFile(path.join(root, relPath), text);
    };
    await write('websockets/stream/both.any.js', [
      '// META: script=../constants.sub.js',
      '// META: script=/common/utils.js',
      '// META: timeout=long',
      '// META: variant=?wss',
      "test(() => {}, 'nothing');",
    ].join('\n'));
    await write('websockets/stream/window-only.any.js', '// META: global=window\ntest(() => {}, "w");\n');
    await write('websockets/stream/report.any.js', [
      '// META: global=window',
      "test(() => {}, 'passes');",
      "test(() => { assert_true(false, 'the reason'); }, 'fails');",
      "test(() => { assert_implements_optional(false, 'optional'); }, 'precondition');",
    ].join('\n'));
    await write('websockets/constants.sub.js',
      'host={{host}} ws={{ports[ws][0]}} wss={{ports[wss][0]}} http={{ports[http][0]}} h2={{ports[h2][0]}} q={{GET[x]}} loc={{location[scheme]}}\n');
    await write('websockets/bad.sub.js', '{{no_such_thing}}\n');
    await write('plain.txt', 'plain {{host}}\n');
    await write('websockets/stream/window-only.any.js.headers', '# isolation\nCross-Origin-Opener-Policy: same-origin\nCross-Origin-Embedder-Policy: require-corp\n');
    await write('plain.txt.headers', 'X-Extra: yes\n');
    server = await startServer({ wptRoot: root, polyfillFile: path.join(root, 'polyfill.js') });
    await writeFile(path.join(root, 'polyfill.js'), '/* polyfill */');
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  // Index of each needle in the text, asserting they all appear in this order.
  /** @param {string} text @param {string[]} needles */
  const assertInOrder = (text, needles) => {
    let from = 0;
    for (const needle of needles) {
      const at = text.indexOf(needle, from);
      assert.ok(at >= 0, `"${needle}" missing or out of order in:\n${text}`);
      from = at + needle.length;
    }
  };

  test('a request-target that starts with // is a path, not a host: the server answers and keeps serving', async () => {
    for (const target of ['//', '//example.test/x', '//websockets']) {
      const status = await within(rawGetStatus(server.ports.http, target), TIMEOUT, `GET ${target}`);
      assert.equal(status, 404, `GET ${target}`);
    }
    assert.equal((await get('/')).status, 200, 'still serving');
  });

  test('a window page loads testharness, the report hook, META scripts, then the test', async () => {
    const page = await get('/websockets/stream/both.any.html');
    assert.equal(page.status, 200);
    assert.match(page.type ?? '', /^text\/html/);
    assertInOrder(page.text, [
      '<meta name="timeout" content="long">',
      'src="/resources/testharness.js"', 'src="/resources/testharnessreport.js"',
      'src="../constants.sub.js"', 'src="/common/utils.js"', 'src="both.any.js"',
    ]);
    assert.ok(!page.text.includes('polyfill'));
  });

  test('a worker page runs the worker script with the page query, and the worker script imports in order, then done()', async () => {
    const page = await get('/websockets/stream/both.any.worker.html?wss');
    assert.equal(page.status, 200);
    assertInOrder(page.text, ['src="/resources/testharness.js"', 'src="/resources/testharnessreport.js"',
      'fetch_tests_from_worker(new Worker("both.any.worker.js" + location.search))']);
    const script = await get('/websockets/stream/both.any.worker.js');
    assert.match(script.type ?? '', /^text\/javascript/);
    assertInOrder(script.text, ['importScripts("/resources/testharness.js")', 'importScripts("../constants.sub.js")',
      'importScripts("/common/utils.js")', 'importScripts("both.any.js")', 'done();']);
  });

  test('polyfill mode deletes the native interfaces and loads the polyfill before anything else', async () => {
    for (const urlPath of ['/_polyfill/websockets/stream/both.any.html', '/_polyfill/websockets/stream/both.any.worker.js']) {
      const { status, text } = await get(urlPath);
      assert.equal(status, 200);
      assertInOrder(text, ['delete globalThis.WebSocketStream; delete globalThis.WebSocketError;',
        '/_polyfill/websocketstream-polyfill.js', '/resources/testharness.js', 'both.any.js']);
    }
    assert.equal((await get('/_polyfill/websocketstream-polyfill.js')).text, '/* polyfill */');
    // Files under the prefix are the tree's files, so relative META scripts resolve.
    assert.equal((await get('/_polyfill/websockets/stream/both.any.js')).status, 200);
  });

  test('NAME.any.js.headers applies to the generated pages; FILE.headers to FILE', async () => {
    for (const urlPath of ['/websockets/stream/window-only.any.html', '/_polyfill/websockets/stream/window-only.any.html']) {
      const response = await within(fetch(`${server.httpOrigin}${urlPath}`), TIMEOUT, urlPath);
      await response.text();
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(response.headers.get('cross-origin-embedder-policy'), 'require-corp');
    }
    const plain = await within(fetch(`${server.httpOrigin}/plain.txt`), TIMEOUT, 'plain.txt');
    await plain.text();
    assert.equal(plain.headers.get('x-extra'), 'yes');
    const other = await within(fetch(`${server.httpOrigin}/websockets/stream/both.any.html`), TIMEOUT, 'both');
    await other.text();
    assert.equal(other.headers.get('cross-origin-opener-policy'), null);
  });

  test('only the scopes a file declares with global= are served', async () => {
    assert.equal((await get('/websockets/stream/window-only.any.html')).status, 200);
    assert.equal((await get('/websockets/stream/window-only.any.worker.html')).status, 404);
    assert.equal((await get('/websockets/stream/window-only.any.worker.js')).status, 404);
    assert.equal((await get('/websockets/stream/missing.any.html')).status, 404);
  });

  test('.sub. files are substituted with the server host and ports; other files are not', async () => {
    const { status, text } = await get('/websockets/constants.sub.js?x=42');
    assert.equal(status, 200);
    const { ports } = server;
    assert.equal(text, `host=127.0.0.1 ws=${ports.ws} wss=${ports.wss} http=${ports.http} h2=${ports.wss} q=42 loc=http\n`);
    assert.equal((await get('/plain.txt')).text, 'plain {{host}}\n');
    const bad = await get('/websockets/bad.sub.js');
    assert.equal(bad.status, 500);
    assert.match(bad.text, /no_such_thing/);
  });

  test('testharness.js and the report hook are served whatever the root; paths cannot leave the root', async () => {
    assert.match((await get('/resources/testharness.js')).text, /add_completion_callback/);
    assert.match((await get('/resources/testharnessreport.js')).text, /__wptResults/);
    assert.equal((await get('/%2e%2e/%2e%2e/etc/passwd')).status, 404);
    assert.equal((await get('/..%2f..%2fetc/passwd')).status, 404);
  });

  test('the report hook stores results in the drivers\' schema (run in jsdom with the real testharness.js)', async () => {
    const wptRunnerRequire = createRequire(createRequire(import.meta.url).resolve('wpt-runner/package.json'));
    const { JSDOM, VirtualConsole } = wptRunnerRequire('jsdom');
    const dom = await JSDOM.fromURL(`${server.httpOrigin}/websockets/stream/report.any.html`, {
      runScripts: 'dangerously', resources: 'usable', virtualConsole: new VirtualConsole(),
    });
    try {
      /** @typedef {{ status: unknown, tests: { name: string, status: string, message: string|null }[] }} WptResults  what the report hook stores */
      const results = /** @type {WptResults} */ (await within(new Promise((resolve) => {
        // Copied out of the jsdom realm so deepEqual compares values, not prototypes.
        const poll = () => (dom.window.__wptResults
          ? resolve(JSON.parse(JSON.stringify(dom.window.__wptResults)))
          : setTimeout(poll, 20));
        poll();
      }), TIMEOUT, '__wptResults'));
      assert.deepEqual(results.status, { status: 'OK', message: null });
      assert.deepEqual(results.tests.map(({ name, status }) => [name, status]),
        [['passes', 'PASS'], ['fails', 'FAIL'], ['precondition', 'PRECONDITION_FAILED']]);
      assert.equal(results.tests[0].message, null);
      assert.match(results.tests[1].message ?? '', /the reason/);
    } finally {
      dom.window.close();
    }
  });
});

describe('close()', () => {
  const resourceCounts = () => {
    /** @type {Record<string, number>} */
    const counts = {};
    for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
    return counts;
  };

  test('ends every server, connection and pending endpoint timer', async () => {
    const baseline = resourceCounts();
    const server = await startServer();
    const ws = `ws://127.0.0.1:${server.ports.ws}`;
    const echo = connect(`${ws}/echo`);
    await echo.opened;
    const delayed = connect(`${ws}/delayed-passive-close`);
    await delayed.opened;
    delayed.socket.close(4000);
    const sleeping = connect(`${ws}/handshake_sleep_2`);
    sleeping.opened.catch(() => {});
    const stalled = connect(`${ws}/receive-backpressure`);
    await stalled.opened;

    await within(server.close(), TIMEOUT, 'server.close()');
    const closes = await within(Promise.all([echo.closed, delayed.closed, sleeping.closed, stalled.closed]), TIMEOUT, 'clients closed');
    for (const { code } of closes) assert.equal(code, 1006);
    await assert.rejects(within(fetch(`${server.httpOrigin}/`), TIMEOUT, 'fetch after close'));

    // Handles go away asynchronously; wait (bounded) for the counts to return to the baseline.
    /** @type {Record<string, number>} */
    let counts;
    const deadline = Date.now() + 2000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      counts = resourceCounts();
    } while (JSON.stringify(counts) !== JSON.stringify(baseline) && Date.now() < deadline);
    for (const kind of ['TCPServerWrap', 'TCPSocketWrap', 'TLSWrap']) {
      assert.equal(counts[kind] ?? 0, baseline[kind] ?? 0, `${kind} left open: ${JSON.stringify(counts)}`);
    }
  });
});
