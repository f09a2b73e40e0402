// The URL of a request, parsed from its request-target as a path. `new URL(request.url, base)`
// would read a target such as "//x" as a scheme-relative URL with host "x" (and "//" as no URL at
// all, which threw and stopped the server): a request-target in origin form is always a path.

/**
 * → a URL whose pathname and search are the request's, on `origin` (e.g. "ws://server").
 * @param {{ url?: string }} request  an http.IncomingMessage
 * @param {string} origin
 */
export function requestUrl(request, origin) {
  const target = typeof request.url === 'string' && request.url.startsWith('/') ? request.url : '/';
  return new URL(`${origin}${target}`);
}
