// A small W3C WebDriver (classic, HTTP) client: just what running a test page
// needs. Works against WebKitWebDriver, safaridriver, geckodriver,
// chromedriver, or a Selenium/cloud grid.

export class WebDriverError extends Error {
  name = 'WebDriverError';

  /**
   * @param {string} message
   * @param {{ code?: string|null, status?: number|null }} [details]
   */
  constructor(message, { code = null, status = null } = {}) {
    super(message);
    this.code = code; // W3C error code, e.g. 'invalid session id', 'script timeout'
    this.status = status;
  }
}

/**
 * Sends one command; every request has a bound so a wedged browser cannot hang the run.
 * Resolves with the response's `value`: JSON whose shape depends on the command, hence `any`
 * (each caller reads the fields its command defines).
 * @param {string} baseUrl
 * @param {string} method
 * @param {string} commandPath
 * @param {unknown} [body]
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<any>}
 */
export async function sendCommand(baseUrl, method, commandPath, body, { timeoutMs = 30_000 } = {}) {
  const url = new URL(commandPath.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (caught) {
    const error = /** @type {Error & { cause?: Error }} */ (caught);
    const code = error.name === 'TimeoutError' ? 'harness timeout' : 'connection failed';
    throw new WebDriverError(`${method} ${commandPath}: ${code} (${error.cause?.message ?? error.message})`, { code });
  }
  const text = await response.text();
  let payload;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new WebDriverError(`${method} ${commandPath}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`, { status: response.status });
  }
  const value = payload?.value;
  if (!response.ok || (value && typeof value === 'object' && typeof value.error === 'string')) {
    throw new WebDriverError(`${method} ${commandPath}: ${value?.error ?? response.status}: ${value?.message ?? ''}`.trim(), {
      code: value?.error ?? null,
      status: response.status,
    });
  }
  return value;
}

export class WebDriverSession {
  /**
   * @param {string} baseUrl
   * @param {string} id
   * @param {Record<string, any>} capabilities  what the remote end answered (its keys vary by browser)
   */
  constructor(baseUrl, id, capabilities) {
    this.baseUrl = baseUrl;
    this.id = id;
    this.capabilities = capabilities;
  }

  /**
   * @param {string} baseUrl
   * @param {object} alwaysMatch
   */
  static async create(baseUrl, alwaysMatch, { timeoutMs = 60_000 } = {}) {
    const value = await sendCommand(baseUrl, 'POST', '/session', { capabilities: { alwaysMatch } }, { timeoutMs });
    return new WebDriverSession(baseUrl, value.sessionId, value.capabilities ?? {});
  }

  /**
   * @param {string} method
   * @param {string} commandPath
   * @param {unknown} [body]
   * @param {{ timeoutMs?: number }} [options]
   */
  command(method, commandPath, body, options) {
    return sendCommand(this.baseUrl, method, `/session/${this.id}${commandPath}`, body, options);
  }

  /** @param {{ pageLoad: number, script: number }} timeouts */
  setTimeouts({ pageLoad, script }) {
    return this.command('POST', '/timeouts', { pageLoad, script, implicit: 0 });
  }

  /**
   * @param {string} url
   * @param {{ timeoutMs: number }} options
   */
  navigate(url, { timeoutMs }) {
    return this.command('POST', '/url', { url }, { timeoutMs });
  }

  /**
   * @param {string} script
   * @param {unknown[]} args
   * @param {{ timeoutMs: number }} options
   */
  executeAsync(script, args, { timeoutMs }) {
    return this.command('POST', '/execute/async', { script, args }, { timeoutMs });
  }

  /**
   * @param {string} script
   * @param {unknown[]} args
   */
  executeSync(script, args, { timeoutMs = 15_000 } = {}) {
    return this.command('POST', '/execute/sync', { script, args }, { timeoutMs });
  }

  delete({ timeoutMs = 10_000 } = {}) {
    return sendCommand(this.baseUrl, 'DELETE', `/session/${this.id}`, undefined, { timeoutMs });
  }
}
