// Installing is separate from the implementation, so the ponyfill entry never touches a global.

import { defineProperty, globalObject } from './intrinsics.js';
import { WebSocketError } from './websocket-error.js';
import { WebSocketStream } from './websocket-stream.js';

export interface InstallOptions {
  /** Replace an existing pair too, native or not. For testing the polyfill in an engine that has one. */
  force?: boolean;
  /**
   * Replace a native pair that fails a feature test of the standard's behaviour (see
   * conformsToStandard). Never the default: a native implementation is kept unless asked.
   */
  replaceNonconforming?: boolean;
}

export type InstalledName = 'WebSocketStream' | 'WebSocketError';

const NAMES = ['WebSocketStream', 'WebSocketError'] as const;

type Globals = Record<InstalledName, unknown>;

/**
 * Defines WebSocketStream and WebSocketError on globalThis as a pair, as interface objects are
 * defined (writable, configurable, not enumerable), unless both are there already: a native pair
 * (or an earlier copy's) is kept. A stream only recognises its own pair's WebSocketError, so an
 * engine with just one of them gets the polyfill's pair, replacing the lone half. Returns the
 * names it defined.
 */
export function install(options: InstallOptions = {}): InstalledName[] {
  const globals = globalObject as unknown as Globals;
  const pair: Globals = { WebSocketStream, WebSocketError };
  const present = typeof globals.WebSocketStream === 'function' && typeof globals.WebSocketError === 'function';
  const replace = options.force === true || (options.replaceNonconforming === true && !conformsToStandard(globals));
  if (present && !replace) return [];
  const installed: InstalledName[] = [];
  for (const name of NAMES) {
    if (globals[name] === pair[name]) continue;
    defineGlobal(name, pair[name]);
    installed.push(name);
  }
  return installed;
}

/** Defines a global as interface objects are defined: writable, configurable, not enumerable. */
export function defineGlobal(name: string, value: unknown): void {
  defineProperty(globalObject, name, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * A feature test that needs no connection: the standard's answers to two inputs where today's
 * native Chromium (stock, and with experimental web platform features) answers otherwise. A
 * close code outside 0..65535 is a TypeError (Web IDL EnforceRange), and a stream made with an
 * already-aborted signal still reports its URL.
 */
function conformsToStandard(globalObject: Globals): boolean {
  try {
    new (globalObject.WebSocketError as typeof WebSocketError)('', { closeCode: 65536 });
    return false;
  } catch (error) {
    if (!(error instanceof TypeError)) return false;
  }
  try {
    const url = 'ws://127.0.0.1:9/';
    const stream = new (globalObject.WebSocketStream as typeof WebSocketStream)(url, { signal: AbortSignal.abort() });
    stream.opened.catch(() => {});
    stream.closed.catch(() => {});
    return stream.url === url;
  } catch {
    return false;
  }
}
