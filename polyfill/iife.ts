// The classic-script build (`<script src>`, importScripts): installs where absent, and keeps the
// implementation reachable even where a native one stays installed.

import { WebSocketError, WebSocketStream, install } from './index.js';
import { defineGlobal } from './install.js';

install();

defineGlobal('WebSocketStreamPolyfill', { WebSocketStream, WebSocketError, install });
