// WebSocketError: a DOMException named "WebSocketError" that carries a close code and reason.
// https://websockets.spec.whatwg.org/#the-websocketerror-interface

import { DOMExceptionCtor } from './intrinsics.js';
import { defineInterfaceShape } from './interface.js';
import { sharedInterface, sharedRecord } from './realm.js';
import { type CloseInfo, illegalInvocation, toDOMString, toValidatedCloseInfo } from './webidl.js';

/** Web IDL `dictionary WebSocketCloseInfo`, as close() and new WebSocketError() take it. */
export interface WebSocketCloseInfo {
  closeCode?: number;
  reason?: string;
}

/** Web IDL `interface WebSocketError : DOMException`. */
export interface WebSocketError extends DOMException {
  readonly closeCode: number | null;
  readonly reason: string;
}

export interface WebSocketErrorConstructor {
  readonly prototype: WebSocketError;
  new (message?: string, init?: WebSocketCloseInfo): WebSocketError;
}

// The interface's type under a second name: inside defineWebSocketError the class shadows it.
type WebSocketErrorInterface = WebSocketError;

/** What the realm keeps of the WebSocketError interface: the class, and what only its brand can read. */
interface WebSocketErrorRecord {
  readonly interface: WebSocketErrorConstructor;
  readonly isWebSocketError: (value: unknown) => value is WebSocketError;
  readonly closeInfoOf: (error: WebSocketError) => CloseInfo;
  /** A WebSocketError reporting how a connection closed: its code may be one the constructor refuses (1005, 1006, 1015). */
  readonly create: (message: string, closeCode: number | null, reason: string) => WebSocketError;
}

const INTERFACE_NAME = 'WebSocketError';
const CONSTRUCT_CONTEXT = "Failed to construct 'WebSocketError'";

function defineWebSocketError(): WebSocketErrorRecord {
  // Set only while create() runs: the public constructor validates what the application passes.
  let closeInfoFromConnection: CloseInfo | undefined;
  let isBranded!: (value: unknown) => value is WebSocketErrorInterface;
  let closeInfoOf!: (error: WebSocketErrorInterface) => CloseInfo;

  class WebSocketError extends DOMExceptionCtor {
    readonly #closeCode: number | null;
    readonly #reason: string;

    constructor(message: unknown = '', init: unknown = undefined) {
      let closeInfo: CloseInfo;
      if (closeInfoFromConnection !== undefined) {
        closeInfo = closeInfoFromConnection;
        closeInfoFromConnection = undefined;
      } else {
        // The default parameter already made an undefined message ''.
        const messageString = toDOMString(message, CONSTRUCT_CONTEXT);
        closeInfo = toValidatedCloseInfo(init, CONSTRUCT_CONTEXT);
        message = messageString;
      }
      super(message as string, INTERFACE_NAME);
      this.#closeCode = closeInfo.closeCode;
      this.#reason = closeInfo.reason;
    }

    get closeCode(): number | null {
      return brandedCloseInfo(this, 'closeCode').closeCode;
    }

    get reason(): string {
      return brandedCloseInfo(this, 'reason').reason;
    }

    static {
      isBranded = (value): value is WebSocketErrorInterface => typeof value === 'object' && value !== null && #closeCode in value;
      closeInfoOf = (error) => ({ closeCode: (error as WebSocketError).#closeCode, reason: (error as WebSocketError).#reason });
    }
  }

  function brandedCloseInfo(value: unknown, member: string): CloseInfo {
    if (!isBranded(value)) throw illegalInvocation(INTERFACE_NAME, member);
    return closeInfoOf(value);
  }

  defineInterfaceShape(WebSocketError, INTERFACE_NAME, ['closeCode', 'reason']);
  return {
    interface: WebSocketError as unknown as WebSocketErrorConstructor,
    isWebSocketError: isBranded,
    closeInfoOf,
    create: (message, closeCode, reason) => {
      closeInfoFromConnection = { closeCode, reason };
      return new WebSocketError(message);
    },
  };
}

function errorRecord(): WebSocketErrorRecord {
  return sharedRecord(INTERFACE_NAME, defineWebSocketError);
}

export const WebSocketError: WebSocketErrorConstructor = /*#__PURE__*/ sharedInterface(INTERFACE_NAME, defineWebSocketError);

/** The close code and reason of a WebSocketError, read without its getters; undefined for anything else. */
export function closeInfoOfWebSocketError(value: unknown): CloseInfo | undefined {
  const record = errorRecord();
  return record.isWebSocketError(value) ? record.closeInfoOf(value) : undefined;
}

/** A WebSocketError reporting how a connection closed, with any code it closed with. */
export function createWebSocketError(message: string, closeCode: number | null, reason = ''): WebSocketError {
  return errorRecord().create(message, closeCode, reason);
}
