// Installing is separate from the implementation, so the ponyfill entry never touches a global.

import { defineProperty } from './intrinsics.js';
import { WebSocketError } from './websocket-error.js';
import { WebSocketStream } from './websocket-stream.js';

export interface InstallOptions {
  /** Replace an existing WebSocketStream/WebSocketError too. For testing the polyfill in an engine that has them. */
  force?: boolean;
}

export type InstalledName = 'WebSocketStream' | 'WebSocketError';

const interfaces = { WebSocketStream, WebSocketError } as const;

/**
 * Defines each of WebSocketStream and WebSocketError on globalThis where that name is absent, as
 * an interface object is defined (writable, configurable, not enumerable). A native one is never
 * replaced or wrapped unless `force` says so. Returns the names it defined.
 */
export function install(options: InstallOptions = {}): InstalledName[] {
  const force = options.force === true;
  const installed: InstalledName[] = [];
  for (const name of ['WebSocketStream', 'WebSocketError'] as const) {
    if (!force && name in globalThis) continue;
    defineProperty(globalThis, name, { value: interfaces[name], writable: true, configurable: true, enumerable: false });
    installed.push(name);
  }
  return installed;
}
