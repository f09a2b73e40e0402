// WebSocketError: a DOMException named "WebSocketError" that carries a close code and reason.

import { DOMExceptionCtor } from './intrinsics.js';
import { defineInterfaceShape } from './interface.js';
import { type CloseInfo, toDOMString, toValidatedCloseInfo, typeError } from './webidl.js';

const CONSTRUCT_CONTEXT = "Failed to construct 'WebSocketError'";

/**
 * Set only while createWebSocketError() runs: the connection may close with codes (1005, 1006,
 * 1015) that the public constructor must refuse, yet the error reporting them is a WebSocketError.
 */
let closeInfoFromConnection: CloseInfo | undefined;

let isWebSocketErrorBrand!: (value: unknown) => value is WebSocketError;
let closeInfoOfError!: (error: WebSocketError) => CloseInfo;

export class WebSocketError extends DOMExceptionCtor {
  readonly #closeCode: number | null;
  readonly #reason: string;

  constructor(message: unknown = '', init: unknown = undefined) {
    let closeInfo: CloseInfo;
    if (closeInfoFromConnection !== undefined) {
      closeInfo = closeInfoFromConnection;
      closeInfoFromConnection = undefined;
    } else {
      const messageString = message === undefined ? '' : toDOMString(message, CONSTRUCT_CONTEXT);
      closeInfo = toValidatedCloseInfo(init, CONSTRUCT_CONTEXT);
      message = messageString;
    }
    super(message as string, 'WebSocketError');
    this.#closeCode = closeInfo.closeCode;
    this.#reason = closeInfo.reason;
  }

  get closeCode(): number | null {
    return closeInfoOf(this, 'closeCode').closeCode;
  }

  get reason(): string {
    return closeInfoOf(this, 'reason').reason;
  }

  static {
    isWebSocketErrorBrand = (value: unknown): value is WebSocketError =>
      typeof value === 'object' && value !== null && #closeCode in value;
    closeInfoOfError = (error) => ({ closeCode: error.#closeCode, reason: error.#reason });
  }
}

defineInterfaceShape(WebSocketError, 'WebSocketError', ['closeCode', 'reason']);

function closeInfoOf(value: unknown, member: string): CloseInfo {
  if (!isWebSocketErrorBrand(value)) {
    throw typeError(`Failed to read the '${member}' property from 'WebSocketError'`, 'Illegal invocation');
  }
  return closeInfoOfError(value);
}

export function isWebSocketError(value: unknown): value is WebSocketError {
  return isWebSocketErrorBrand(value);
}

/** The close code and reason a WebSocketError carries, read without going through its getters. */
export function closeInfoOfWebSocketError(error: WebSocketError): CloseInfo {
  return closeInfoOfError(error);
}

/** A WebSocketError reporting how a connection closed, with any code it closed with. */
export function createWebSocketError(message: string, closeCode: number | null, reason = ''): WebSocketError {
  closeInfoFromConnection = { closeCode, reason };
  return new WebSocketError(message);
}
