// WPT's `.sub.` template substitution: a file whose name contains `.sub.` is
// served with its `{{...}}` expressions replaced by facts about the server.
// Only the expressions that WebSocket tests use are supported; any other one
// is an error, so a test never silently runs against a wrong value.
import { randomUUID } from 'node:crypto';

const EXPRESSION = /{{(.*?)}}/g;

/** @param {string} urlPath */
export function isSubstitutedFile(urlPath) {
  return /** @type {string} */ (urlPath.split('/').pop()).includes('.sub.');
}

/**
 * @param {string} text the file's contents
 * @param {{ host: string, ports: Record<string, number>, requestUrl: URL }} context
 *   ports by scheme (http, https, ws, wss); requestUrl is the URL the file was requested with.
 */
export function substitute(text, context) {
  return text.replace(EXPRESSION, (_, expression) => String(evaluate(expression.trim(), context)));
}

/**
 * @param {string} expression
 * @param {{ host: string, ports: Record<string, number>, requestUrl: URL }} context
 * @returns {string|number}
 */
function evaluate(expression, { host, ports, requestUrl }) {
  if (expression === 'host') return host;
  if (expression === 'uuid()') return randomUUID();
  // Every WPT host and domain name (www, www1, alt, ...) maps to the one host served here.
  if (/^(domains|hosts)(\[[^\]]*\])+$/.test(expression)) return host;

  const port = /^ports\[(\w+)\]\[(\d+)\]$/.exec(expression);
  if (port) {
    const [, scheme, index] = port;
    // Upstream has an HTTP/2 server for `?wpt_flags=h2`; this server has none,
    // so that variant is given the wss port and runs over HTTP/1.1 TLS.
    const portNumber = ports[scheme === 'h2' ? 'wss' : scheme];
    if (portNumber === undefined || index !== '0') throw new Error(`no port for {{${expression}}}`);
    return portNumber;
  }

  const location = /^location\[(\w+)\]$/.exec(expression);
  if (location) return locationPart(location[1], requestUrl, expression);

  const query = /^GET\[([^\]]+)\]$/.exec(expression);
  if (query) return requestUrl.searchParams.get(query[1]) ?? '';

  throw new Error(`unsupported substitution {{${expression}}}`);
}

/**
 * @param {string} part
 * @param {URL} url
 * @param {string} expression
 */
function locationPart(part, url, expression) {
  switch (part) {
    case 'scheme': return url.protocol.slice(0, -1);
    case 'host': return url.host;
    case 'hostname': return url.hostname;
    case 'port': return url.port;
    case 'path':
    case 'pathname': return url.pathname;
    case 'query': return url.search;
    case 'server': return url.origin;
    default: throw new Error(`unsupported substitution {{${expression}}}`);
  }
}
