// How the test server directs a browser that no automation protocol drives
// (drivers/launcher.mjs): the browser is started on a "waiting room" page of a
// session; the waiting room long-polls the server for its session's next page
// and goes there; the page posts its results back (testharnessreport.js) and
// returns to the waiting room. The driver talks to the same endpoints over HTTP,
// so it works whether the server runs in its process or another.
//
// Page side:   GET  /_launcher/waiting-room?session=S     the waiting room
//              POST /_launcher/hello?session=S           body: { userAgent }
//              GET  /_launcher/next?session=S            → 200 { token, url, expression? } | 204 (poll again)
//              POST /_launcher/results?session=S&token=T body: __wptResults, or { value } / { error }
//              GET  /_launcher/blank                     an empty page (for evaluate)
// Driver side: GET  /_launcher/hello?session=S&waitMs=N  → 200 { userAgent } | 204
//              POST /_launcher/assign?session=S          body: { url, expression? } → 200 { token }
//              GET  /_launcher/outcome?session=S&token=T&waitMs=N → 200 the posted body | 204
//              POST /_launcher/end?session=S
// Which session (and page) results belong to travels in a cookie the waiting
// room sets, not in the page's URL: tests read location.search (constants.sub.js
// compares it with '?wss').
import { randomBytes } from 'node:crypto';

export const LAUNCHER_PREFIX = '/_launcher';
export const LAUNCHER_COOKIE = 'wpt_launcher';
// A held poll is answered 204 after this long, so no connection idles long enough to be cut.
const MAX_HOLD_MS = 20_000;
const ID = /^[0-9a-f]{8,64}$/;

/** @typedef {{ status: number, type: string, body: string }} Answer */

const JSON_TYPE = 'application/json; charset=utf-8';
/** @returns {Answer} */
const noContent = () => ({ status: 204, type: 'text/plain', body: '' });
/** @param {unknown} value @returns {Answer} */
const jsonAnswer = (value) => ({ status: 200, type: JSON_TYPE, body: JSON.stringify(value) });
/** @param {string} why @returns {Answer} */
const badRequest = (why) => ({ status: 400, type: 'text/plain; charset=utf-8', body: `${why}\n` });

/** A fresh session or token id: hex, so it needs no escaping in a cookie or a query. */
export function launcherId() {
  return randomBytes(8).toString('hex');
}

/**
 * A value that someone may wait for; waiters are answered once it is set or after their hold.
 * @template T
 */
class Awaited {
  /** @type {T|undefined} */
  value = undefined;
  /** @type {Set<{ finish: (value: T|undefined) => void, timer?: NodeJS.Timeout }>} */
  #waiters = new Set();

  /** @param {T} value */
  set(value) {
    this.value = value;
    for (const waiter of this.#waiters) waiter.finish(value);
  }

  /**
   * Resolves with the value, or with undefined after `holdMs`.
   * @param {number} holdMs
   * @returns {Promise<T|undefined>}
   */
  wait(holdMs) {
    if (this.value !== undefined) return Promise.resolve(this.value);
    return new Promise((resolve) => {
      /** @type {{ finish: (value: T|undefined) => void, timer?: NodeJS.Timeout }} */
      const waiter = {
        finish: (value) => {
          clearTimeout(waiter.timer);
          this.#waiters.delete(waiter);
          resolve(value);
        },
      };
      waiter.timer = setTimeout(() => waiter.finish(undefined), holdMs);
      this.#waiters.add(waiter);
    });
  }

  /** Answers every waiter with undefined now (the server is closing). */
  release() {
    for (const waiter of this.#waiters) waiter.finish(undefined);
  }
}

class Session {
  /** @type {Awaited<unknown>} */
  hello = new Awaited();
  // Assignments not yet taken by the waiting room, and the waiting room's held poll.
  /** @type {{ token: string, url: string, expression?: string }[]} */
  queue = [];
  /** @type {Awaited<true>|null} */
  nextPoll = null;
  /** @type {Map<string, Awaited<unknown>>} */
  outcomes = new Map(); // token → Awaited

  /**
   * @param {string} token
   * @returns {Awaited<unknown>}
   */
  outcome(token) {
    if (!this.outcomes.has(token)) this.outcomes.set(token, new Awaited());
    return /** @type {Awaited<unknown>} */ (this.outcomes.get(token));
  }

  release() {
    this.hello.release();
    this.nextPoll?.release();
    for (const outcome of this.outcomes.values()) outcome.release();
  }
}

export class LauncherSessions {
  /** @type {Map<string, Session>} */
  #sessions = new Map();

  /**
   * @param {string} id
   * @returns {Session}
   */
  #session(id) {
    if (!this.#sessions.has(id)) this.#sessions.set(id, new Session());
    return /** @type {Session} */ (this.#sessions.get(id));
  }

  /**
   * Answers a request under /_launcher/, or returns null for any other path.
   * @param {string} method
   * @param {URL} url
   * @param {string} body
   * @returns {null | Promise<Answer>}
   */
  handle(method, url, body) {
    if (!url.pathname.startsWith(`${LAUNCHER_PREFIX}/`)) return null;
    const action = `${method} ${url.pathname.slice(LAUNCHER_PREFIX.length + 1)}`;
    if (action === 'GET blank') return Promise.resolve({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html>\n<meta charset="utf-8">\n<title>blank</title>\n' });
    const id = url.searchParams.get('session') ?? '';
    if (!ID.test(id)) return Promise.resolve(badRequest('a launcher request needs ?session=<hex id>'));
    const waitMs = Math.min(Number(url.searchParams.get('waitMs')) || 0, MAX_HOLD_MS);
    return this.#answer(action, id, url, body, waitMs).catch((error) => badRequest(error.message));
  }

  /**
   * @param {string} action
   * @param {string} id
   * @param {URL} url
   * @param {string} body
   * @param {number} waitMs
   * @returns {Promise<Answer>}
   */
  async #answer(action, id, url, body, waitMs) {
    const session = this.#session(id);
    switch (action) {
      case 'GET waiting-room':
        return { status: 200, type: 'text/html; charset=utf-8', body: waitingRoomPage(id) };
      case 'POST hello':
        session.hello.set(JSON.parse(body));
        return noContent();
      case 'GET hello':
        return answerWhenSet(await session.hello.wait(waitMs));
      case 'GET next':
        return this.#nextFor(session);
      case 'POST assign': {
        const { url: pageUrl, expression } = JSON.parse(body);
        const assignment = { token: launcherId(), url: String(pageUrl), ...(expression === undefined ? {} : { expression: String(expression) }) };
        session.queue.push(assignment);
        // A waiting room already polling is answered at once.
        session.nextPoll?.set(true);
        return jsonAnswer({ token: assignment.token });
      }
      case 'POST results':
        session.outcome(url.searchParams.get('token') ?? '').set(JSON.parse(body));
        return noContent();
      case 'GET outcome':
        return answerWhenSet(await session.outcome(url.searchParams.get('token') ?? '').wait(waitMs));
      case 'POST end':
        session.release();
        this.#sessions.delete(id);
        return noContent();
      default:
        return { status: 404, type: 'text/plain; charset=utf-8', body: `Not found: ${url.pathname}\n` };
    }
  }

  /**
   * The waiting room's long poll: the next assignment, or 204 after the hold.
   * @param {Session} session
   */
  async #nextFor(session) {
    if (session.queue.length === 0) {
      // One poll per waiting room: a newer one (a reload) replaces the older, which is answered 204.
      session.nextPoll?.release();
      const poll = new Awaited();
      session.nextPoll = poll;
      await poll.wait(MAX_HOLD_MS);
      if (session.nextPoll === poll) session.nextPoll = null;
    }
    const assignment = session.queue.shift();
    return assignment ? jsonAnswer(assignment) : noContent();
  }

  /** Answers every held request (the server is closing). */
  end() {
    for (const session of this.#sessions.values()) session.release();
    this.#sessions.clear();
  }
}

/** @param {unknown} value */
function answerWhenSet(value) {
  return value === undefined ? noContent() : jsonAnswer(value);
}

/**
 * The waiting room. Plain ES2017 and fetch, for old browsers. It clears the
 * session cookie (no page is current), says hello with its user agent, then
 * polls: an assignment with an expression is evaluated in a same-origin iframe
 * and its value posted; any other assignment is a page to open, with the
 * session and token in the cookie for testharnessreport.js.
 * @param {string} session
 */
function waitingRoomPage(session) {
  return `<!doctype html>
<meta charset="utf-8">
<title>waiting room ${session}</title>
<body>
<script>
(function () {
  'use strict';
  var query = '?session=${session}';
  var base = '${LAUNCHER_PREFIX}/';
  document.cookie = '${LAUNCHER_COOKIE}=; path=/; max-age=0';
  function post(path, value) {
    return fetch(base + path, { method: 'POST', body: JSON.stringify(value) });
  }
  function evaluateIn(assignment) {
    return new Promise(function (resolve) {
      var frame = document.createElement('iframe');
      frame.onload = function () {
        Promise.resolve()
          .then(function () { return frame.contentWindow.eval(assignment.expression); })
          .then(function (value) { return { value: value === undefined ? null : value }; },
                function (error) { return { error: (error && error.name) + ': ' + (error && error.message) }; })
          .then(function (answer) { frame.remove(); resolve(answer); });
      };
      frame.src = assignment.url;
      document.body.appendChild(frame);
    });
  }
  async function serve() {
    for (;;) {
      var response = await fetch(base + 'next' + query, { cache: 'no-store' });
      if (response.status !== 200) continue;
      var assignment = await response.json();
      var results = '&token=' + assignment.token;
      if (assignment.expression === undefined) {
        document.cookie = '${LAUNCHER_COOKIE}=${session}.' + assignment.token + '; path=/';
        location.href = assignment.url;
        return;
      }
      var answer = await evaluateIn(assignment);
      try {
        await post('results' + query + results, answer);
      } catch (error) {
        await post('results' + query + results, { error: 'the value cannot be sent as JSON: ' + error.message });
      }
    }
  }
  post('hello' + query, { userAgent: navigator.userAgent }).then(serve);
})();
</script>
`;
}
