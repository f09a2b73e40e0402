// Side-effect entry: importing it installs WebSocketStream and WebSocketError where they are absent.

import './global.js';
import { install } from './install.js';

install();

export { WebSocketStream, WebSocketError } from './index.js';
