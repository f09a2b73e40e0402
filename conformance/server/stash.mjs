// WPT's stash: a key/value store shared by every port of the server, with
// upstream's two handlers `/fetch/api/resources/stash-put.py?key=K&value=V`
// (answers "done") and `stash-take.py?key=K` (answers the value as JSON and
// forgets it; `null` when absent). Upstream keeps one store per directory;
// keys are random tokens in practice, so one store serves here.
//
// Tests use it to prove that no connection was made: a WebSocket URL that
// points at stash-put.py on the *HTTP* port records the key if the browser
// ever sends the handshake (the handshake then fails, as upstream's does),
// and stash-take.py afterwards answers `null` if it never did. WebSocket
// endpoints on the ws/wss ports also record `stash_key=K` from their query
// as K → "connected" for tests that want to check a real endpoint.
export const STASH_PUT_PATH = '/fetch/api/resources/stash-put.py';
export const STASH_TAKE_PATH = '/fetch/api/resources/stash-take.py';

export class Stash {
  /** @type {Map<string, string>} */
  #values = new Map();

  /**
   * @param {string} key
   * @param {string} value
   */
  put(key, value) {
    this.#values.set(key, value);
  }

  /** @param {string} key */
  take(key) {
    const value = this.#values.get(key);
    this.#values.delete(key);
    return value;
  }

  /**
   * Records `stash_key` from a WebSocket request's query, if present.
   * @param {URL} url
   */
  recordConnection(url) {
    const key = url.searchParams.get('stash_key');
    if (key !== null) this.put(key, 'connected');
  }

  /**
   * Handles a stash request, whether a plain GET or a WebSocket handshake sent
   * to it. → { status, type, body } to answer with, or null when `url` is not a stash path.
   * `body` is the request body (used when there is no `value` parameter).
   * @param {URL} url
   * @returns {import('../lib/types.mjs').ServerAnswer|null}
   */
  handle(url, body = '') {
    if (url.pathname === STASH_PUT_PATH) {
      const key = url.searchParams.get('key');
      if (key === null) return { status: 400, type: 'text/plain', body: 'stash-put needs ?key=' };
      this.put(key, url.searchParams.get('value') ?? body);
      return { status: 200, type: 'text/plain', body: 'done' };
    }
    if (url.pathname === STASH_TAKE_PATH) {
      const key = url.searchParams.get('key');
      if (key === null) return { status: 400, type: 'text/plain', body: 'stash-take needs ?key=' };
      const value = this.take(key);
      return { status: 200, type: 'application/json', body: JSON.stringify(value ?? null) };
    }
    return null;
  }
}
