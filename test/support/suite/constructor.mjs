// The constructor (https://websockets.spec.whatwg.org/#dom-websocketstream-websocketstream) and
// the Web IDL conversions of its arguments: URL resolution and scheme mapping, protocols, options
// and signal, which error each bad argument gets and in which order, and the AbortSignal before,
// during and after the handshake.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertDOMException, thrownBy, throwsDOMException, throwsTypeError } from '../assertions.mjs';
import { rejectionOf, within } from '../waiting.mjs';

// Every stream these tests construct successfully without wanting a connection gets an aborted
// signal: the standard then makes no network connection at all.
const noNetwork = (/** @type {object} */ options = {}) => ({ ...options, signal: AbortSignal.abort() });

/** @typedef {import('websocketstream-polyfill').WebSocketStreamOptions} WebSocketStreamOptions */

const HTTP_TOKEN_CHARACTERS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** @param {import('../behaviour-suite.mjs').SuiteContext} context */
export function defineConstructorTests(context) {
  /**
   * `new WebSocketStream(url, options)` with arguments of any type: these tests pass wrong ones on
   * purpose, to see how Web IDL converts them.
   * @param {unknown} url
   * @param {unknown} [options]
   */
  const construct = (url, options) => context.create(/** @type {string} */ (url), /** @type {WebSocketStreamOptions} */ (options));

  describe('Constructor: URL', () => {
    test('absolute URLs are parsed and serialized; http becomes ws and https becomes wss', () => {
      const cases = [
        ['ws://127.0.0.1:1', 'ws://127.0.0.1:1/'],
        ['WS://127.0.0.1:1/a/../b?x=1', 'ws://127.0.0.1:1/b?x=1'],
        ['wss://127.0.0.1:1/path', 'wss://127.0.0.1:1/path'],
        ['http://127.0.0.1:1/p?q', 'ws://127.0.0.1:1/p?q'],
        ['HTTP://127.0.0.1:80/', 'ws://127.0.0.1/'],
        ['https://127.0.0.1:1/p', 'wss://127.0.0.1:1/p'],
        ['https://example.test:443/', 'wss://example.test/'],
        ['ws://127.0.0.1:1/%23', 'ws://127.0.0.1:1/%23'],
        [new URL('http://127.0.0.1:1/from-a-URL-object'), 'ws://127.0.0.1:1/from-a-URL-object'],
      ];
      for (const [input, expected] of cases) {
        assert.equal(construct(input, noNetwork()).url, expected, `url of ${String(input)}`);
      }
    });

    test('the url goes through USVString conversion: a lone surrogate becomes U+FFFD', () => {
      assert.equal(construct('ws://127.0.0.1:1/\uD800', noNetwork()).url, 'ws://127.0.0.1:1/%EF%BF%BD');
    });

    test('a relative URL is a SyntaxError in Node.js, which has no base URL', () => {
      for (const url of ['/echo', 'echo', '', '?x', '//127.0.0.1:1/echo']) {
        throwsDOMException(() => construct(url), 'SyntaxError', `new WebSocketStream(${JSON.stringify(url)})`);
      }
    });

    test('a scheme other than ws, wss, http or https is a SyntaxError', () => {
      for (const url of ['ftp://127.0.0.1/', 'file:///tmp/x', 'data:,x', 'javascript:0', 'mailto:a@127.0.0.1', 'about:blank', 'blob:http://127.0.0.1/x', 'wss+unix://x/']) {
        throwsDOMException(() => construct(url), 'SyntaxError', url);
      }
    });

    test('an unparsable URL is a SyntaxError', () => {
      for (const url of ['ws://', 'ws://[::1', 'http://a b/', 'ws://127.0.0.1:99999/', 'wss://%/']) {
        throwsDOMException(() => construct(url), 'SyntaxError', url);
      }
    });

    test('a URL with a fragment, even an empty one, is a SyntaxError', () => {
      for (const url of ['ws://127.0.0.1:1/#', 'ws://127.0.0.1:1#', 'ws://127.0.0.1:1/#x', 'ws://127.0.0.1:1/?q#', 'http://127.0.0.1:1/#a', 'https://127.0.0.1:1/#']) {
        throwsDOMException(() => construct(url), 'SyntaxError', url);
      }
    });

    test('the url argument goes through ToString: a Symbol is a TypeError', () => {
      throwsTypeError(() => construct(Symbol('url')), 'new WebSocketStream(Symbol())');
    });
  });

  describe('Constructor: protocols', () => {
    test('valid protocols are accepted, from any iterable', () => {
      function* generated() {
        yield 'one';
        yield 'two';
      }
      for (const protocols of [[], ['chat'], ['a', 'b'], [HTTP_TOKEN_CHARACTERS], new Set(['x', 'y']), generated(), [1, 2]]) {
        assert.doesNotThrow(() => construct('ws://127.0.0.1:1/', noNetwork({ protocols })), `protocols ${String(protocols)}`);
      }
    });

    test('a protocol that is not an HTTP token is a SyntaxError', () => {
      for (const protocol of ['', 'a b', 'a,b', 'a;b', '"a"', '(a)', 'a/b', 'a:b', 'a=b', 'a?', '[a]', '{a}', 'a@b', 'a\\b', '\u00e9', 'a\u0000', 'tab\t', ' a']) {
        throwsDOMException(() => construct('ws://127.0.0.1:1/', { protocols: [protocol] }), 'SyntaxError', `protocol ${JSON.stringify(protocol)}`);
      }
    });

    test('a repeated protocol is a SyntaxError', () => {
      for (const protocols of [['a', 'a'], ['x', 'y', 'x'], ['chat', 'chat', 'other']]) {
        throwsDOMException(() => construct('ws://127.0.0.1:1/', { protocols }), 'SyntaxError', `protocols ${JSON.stringify(protocols)}`);
      }
    });

    test('protocols must be a sequence: a string, a number, null or an object without @@iterator is a TypeError', () => {
      for (const protocols of ['chat', '', 5, null, {}, { length: 1, 0: 'chat' }]) {
        throwsTypeError(() => construct('ws://127.0.0.1:1/', { protocols }), `protocols ${JSON.stringify(protocols)}`);
      }
    });

    test('each protocol goes through ToString: a Symbol entry is a TypeError', () => {
      throwsTypeError(() => construct('ws://127.0.0.1:1/', { protocols: ['ok', Symbol('p')] }), 'protocols with a Symbol');
    });

    test('an exception thrown while iterating protocols propagates as it is', () => {
      const failure = new RangeError('from the iterator');
      const protocols = {
        *[Symbol.iterator]() {
          yield 'fine';
          throw failure;
        },
      };
      assert.equal(thrownBy(() => construct('ws://127.0.0.1:1/', { protocols }), 'throwing iterator'), failure);
    });
  });

  describe('Constructor: options and signal', () => {
    test('options that are not an object are a TypeError; undefined and null are the empty dictionary', () => {
      for (const options of [true, false, 1, 'protocols', Symbol('o'), 10n]) {
        throwsTypeError(() => construct('ws://127.0.0.1:1/', options), `options ${String(options)}`);
      }
      for (const options of [undefined, null]) {
        assert.equal(construct('ws://127.0.0.1:1/', options).url, 'ws://127.0.0.1:1/', `options ${String(options)}`);
      }
    });

    test('a signal that is not an AbortSignal is a TypeError', () => {
      const controller = new AbortController();
      for (const signal of [{}, { aborted: true, reason: 'x' }, 'signal', 1, null, new EventTarget(), controller]) {
        throwsTypeError(() => construct('ws://127.0.0.1:1/', { signal }), `signal ${Object.prototype.toString.call(signal)}`);
      }
    });

    test('every argument is converted before the URL or protocols are validated: TypeErrors come before SyntaxErrors', () => {
      /** @type {[url: string, options: unknown, what: string][]} */
      const cases = [
        ['ftp://bad/#fragment', true, 'options not an object, with a bad URL'],
        ['ftp://bad/#fragment', { protocols: 'not a sequence' }, 'protocols a string, with a bad URL'],
        ['ftp://bad/#fragment', { signal: {} }, 'signal not an AbortSignal, with a bad URL'],
        ['ws://127.0.0.1:1/', { protocols: ['a b', 'a b'], signal: 'no' }, 'signal not an AbortSignal, with bad protocols'],
        ['relative', { protocols: [Symbol('p')] }, 'a Symbol protocol, with a relative URL'],
      ];
      for (const [url, options, what] of cases) throwsTypeError(() => construct(url, options), what);
    });

    test('the dictionary is read before the URL is parsed, protocols before signal', () => {
      /** @type {string[]} */
      const reads = [];
      const options = {
        get protocols() {
          reads.push('protocols');
          return undefined;
        },
        get signal() {
          reads.push('signal');
          return undefined;
        },
      };
      throwsDOMException(() => construct('ftp://bad/', options), 'SyntaxError', 'bad scheme');
      assert.deepEqual(reads, ['protocols', 'signal']);
    });
  });

  describe('Constructor: AbortSignal', () => {
    test('an already-aborted signal rejects opened and closed with its reason, and no connection is attempted', async () => {
      const id = context.id('pre-aborted');
      const connectionsBefore = context.helper.tcpConnections;
      const reason = { why: 'aborted before construction' };
      const stream = construct(context.helperUrl(`/record?id=${id}`), { signal: AbortSignal.abort(reason) });
      assert.equal(await rejectionOf(stream.opened, 'opened'), reason, 'opened rejects with the very reason');
      assert.equal(await rejectionOf(stream.closed, 'closed'), reason, 'closed rejects with the very reason');
      // A fence: a connection opened afterwards to the same server. Once the server has seen it, a
      // connection attempt by the aborted stream, started earlier, would have been seen as well.
      const fenceId = context.id('fence');
      await context.open(context.helperUrl(`/record?id=${fenceId}`));
      await within(context.helper.record(fenceId), 'the fence connection at the server');
      assert.equal(context.helper.upgrades(id), 0, 'no handshake from the aborted stream');
      assert.equal(context.helper.tcpConnections - connectionsBefore, 1, 'only the fence opened a TCP connection');
    });

    test('AbortSignal.abort() without a reason rejects both promises with an "AbortError" DOMException', async () => {
      const signal = AbortSignal.abort();
      const stream = construct('ws://127.0.0.1:1/', { signal });
      const openedError = await rejectionOf(stream.opened, 'opened');
      assertDOMException(openedError, 'AbortError', 'opened');
      assert.equal(openedError, signal.reason, 'the signal\'s own reason');
      assert.equal(await rejectionOf(stream.closed, 'closed'), signal.reason);
    });

    test('aborting during the handshake rejects opened and closed with the reason, without waiting for the server', async () => {
      const controller = new AbortController();
      const started = Date.now();
      const stream = construct(context.wptUrl('/handshake_sleep_2'), { signal: controller.signal });
      const reason = new Error('changed my mind');
      setImmediate(() => controller.abort(reason));
      assert.equal(await rejectionOf(stream.opened, 'opened'), reason);
      assert.equal(await rejectionOf(stream.closed, 'closed'), reason);
      // The server answers after 2 s: the rejection must not have waited for it.
      assert.ok(Date.now() - started < 1500, `rejected after ${Date.now() - started} ms`);
    });

    test('close() after aborting during the handshake changes nothing and throws nothing', async () => {
      const controller = new AbortController();
      const stream = construct(context.wptUrl('/handshake_sleep_2'), { signal: controller.signal });
      controller.abort('reason string');
      assert.doesNotThrow(() => stream.close({ closeCode: 4000, reason: 'late' }));
      assert.equal(await rejectionOf(stream.opened, 'opened'), 'reason string');
      assert.equal(await rejectionOf(stream.closed, 'closed'), 'reason string');
    });

    test('aborting after the handshake does nothing: messages still flow and the close is clean', async () => {
      const controller = new AbortController();
      const { stream, reader, writer } = await context.openEcho({ signal: controller.signal });
      controller.abort(new Error('too late'));
      await within(writer.write('still open'), 'write after abort');
      assert.deepEqual(await within(reader.read(), 'read after abort'), { value: 'still open', done: false });
      stream.close();
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 1005, reason: '' });
    });
  });
}
