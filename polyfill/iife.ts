// The classic-script build (`<script src>`, importScripts): installs where absent, and keeps the
// implementation reachable even where a native one stays installed.

import { WebSocketError, WebSocketStream, install } from './index.js';
import { defineProperty } from './intrinsics.js';

install();

defineProperty(globalThis, 'WebSocketStreamPolyfill', {
  value: { WebSocketStream, WebSocketError, install },
  writable: true,
  configurable: true,
  enumerable: false,
});
