// The behavioural suite: every paragraph of the standard's WebSocketStream, run against real
// servers on 127.0.0.1. A test file calls defineBehaviourSuite() once per WebSocket implementation
// the polyfill can sit on (the `ws` package, Node's global WebSocket), so both run the same tests.
//
// `limitations` names what an implementation cannot do at all, each with the reason; the test
// concerned then checks the documented fallback instead, and says so in its output.
import { after, afterEach, before, describe } from 'node:test';
import { startServer } from '../../conformance/server/index.mjs';
import { startHelperServer } from './helper-server.mjs';
import { STEP_MS, within } from './waiting.mjs';
import { defineInterfaceShapeTests } from './suite/interface-shape.mjs';
import { defineConstructorTests } from './suite/constructor.mjs';
import { defineOpenedTests } from './suite/opened.mjs';
import { defineReadingTests } from './suite/reading.mjs';
import { defineWritingTests } from './suite/writing.mjs';
import { defineCloseTests } from './suite/close.mjs';
import { defineConnectionCloseTests } from './suite/connection-close.mjs';
import { defineBackpressureTests } from './suite/backpressure.mjs';
import { defineWebSocketErrorTests } from './suite/websocket-error.mjs';

/** @typedef {typeof import('websocketstream-polyfill')} PolyfillEntry  an entry point of the build: the ponyfill's names */
/** @typedef {InstanceType<PolyfillEntry['WebSocketStream']>} Stream */

/**
 * @param {object} options
 * @param {string} options.adapter  'ws' or 'global', for test names and limitations
 * @param {PolyfillEntry} options.polyfill the imported entry point (WebSocketStream, WebSocketError, ...)
 * @param {Record<string, string>} [options.limitations] what this implementation cannot do, and why
 */
export function defineBehaviourSuite({ adapter, polyfill, limitations = {} }) {
  const context = new SuiteContext(adapter, polyfill, limitations);

  describe(`WebSocketStream over ${adapter === 'ws' ? 'the ws package' : "Node's global WebSocket"}`, () => {
    before(() => context.start());
    afterEach(() => context.closeStreamsOfTest());
    after(() => context.stop());

    defineInterfaceShapeTests(context);
    defineConstructorTests(context);
    defineOpenedTests(context);
    defineReadingTests(context);
    defineWritingTests(context);
    defineCloseTests(context);
    defineConnectionCloseTests(context);
    defineBackpressureTests(context);
    defineWebSocketErrorTests(context);
  });
}

/** What every part of the suite (suite/*.mjs) is handed: the implementation under test and the servers. */
export class SuiteContext {
  /** Streams opened by the running test, closed after it whatever its outcome. @type {Stream[]} */
  #streams = [];

  /**
   * @param {string} adapter
   * @param {PolyfillEntry} polyfill
   * @param {Record<string, string>} limitations
   */
  constructor(adapter, polyfill, limitations) {
    this.adapter = adapter;
    this.polyfill = polyfill;
    this.WebSocketStream = polyfill.WebSocketStream;
    this.WebSocketError = polyfill.WebSocketError;
    this.limitations = limitations;
    // Both started in before(), so every test has them.
    /** @type {Awaited<ReturnType<typeof startServer>>} */
    this.wpt = /** @type {never} */ (null);
    /** @type {Awaited<ReturnType<typeof startHelperServer>>} */
    this.helper = /** @type {never} */ (null);
  }

  async start() {
    [this.wpt, this.helper] = await Promise.all([startServer(), startHelperServer()]);
  }

  /** The prototype of the WebSocket class that carries this suite's connections. */
  async webSocketPrototype() {
    const WebSocketClass = this.adapter === 'ws' ? (await import('ws')).WebSocket : globalThis.WebSocket;
    return /** @type {object} */ (WebSocketClass.prototype);
  }

  async stop() {
    await Promise.all([this.wpt?.close(), this.helper?.close()]);
  }

  /**
   * A URL on the conformance server's plain WebSocket port.
   * @param {string} pathAndQuery
   */
  wptUrl(pathAndQuery) {
    return `ws://127.0.0.1:${this.wpt.ports.ws}${pathAndQuery}`;
  }

  /**
   * A URL on the test helper server (see helper-server.mjs).
   * @param {string} pathAndQuery
   */
  helperUrl(pathAndQuery) {
    return this.helper.url(pathAndQuery);
  }

  /**
   * `new WebSocketStream(...)`, closed again after the test.
   * @param {string|URL} url
   * @param {ConstructorParameters<PolyfillEntry['WebSocketStream']>[1]} [options]
   */
  create(url, options) {
    const stream = new this.WebSocketStream(url, options);
    this.#streams.push(stream);
    return stream;
  }

  /**
   * Creates a stream and waits for its handshake. → { stream, readable, writable, protocol, extensions }
   * @param {string|URL} url
   * @param {ConstructorParameters<PolyfillEntry['WebSocketStream']>[1]} [options]
   */
  async open(url, options) {
    const stream = this.create(url, options);
    const info = await within(stream.opened, `opened of ${url}`);
    return { stream, ...info };
  }

  /**
   * Opens a connection to /echo, with a reader and a writer already taken.
   * @param {ConstructorParameters<PolyfillEntry['WebSocketStream']>[1]} [options]
   */
  async openEcho(options) {
    const opened = await this.open(this.wptUrl('/echo'), options);
    return { ...opened, reader: opened.readable.getReader(), writer: opened.writable.getWriter() };
  }

  async closeStreamsOfTest() {
    const streams = this.#streams;
    this.#streams = [];
    for (const stream of streams) {
      try {
        stream.close();
      } catch {
        // Already closed, or a test left it in a state where close() throws: nothing to undo.
      }
    }
    // A stream whose server never answers is cut when the servers stop; do not wait for it here.
    await Promise.all(streams.map((stream) => within(stream.closed, 'closed', 1000).catch(() => {})));
  }

  /**
   * A unique id for helper-server endpoints.
   * @param {string} label
   */
  id(label) {
    return `${this.adapter}-${label}-${Math.random().toString(36).slice(2, 10)}`;
  }

  stepMs = STEP_MS;
}
