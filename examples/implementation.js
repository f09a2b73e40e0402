// Which WebSocketStream the page ended up with. The classic polyfill script always exposes its
// own implementation as WebSocketStreamPolyfill, and installs it only where the browser had none.

/** 'native', 'polyfill', or 'missing' (the polyfill script did not load: run `npm run build`). */
export function whichWebSocketStream() {
  if (typeof globalThis.WebSocketStream !== 'function') return 'missing';
  return globalThis.WebSocketStream === globalThis.WebSocketStreamPolyfill?.WebSocketStream ? 'polyfill' : 'native';
}

/** Fills the page's badge; returns whichWebSocketStream(). */
export function showImplementation(badge) {
  const which = whichWebSocketStream();
  badge.textContent = {
    native: 'native WebSocketStream',
    polyfill: 'WebSocketStream polyfill',
    missing: 'no WebSocketStream: dist/ not built?',
  }[which];
  badge.dataset.implementation = which;
  return which;
}
