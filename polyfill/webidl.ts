// Web IDL conversions and the WebSocket validators, in one place. Each takes a `context` such as
// "Failed to execute 'close' on 'WebSocketStream'" that begins its error message, so the
// constructor, close() and WebSocketError report bad input the same way.

import {
  DOMExceptionCtor,
  NumberCtor,
  StringCtor,
  URLCtor,
  currentBaseURL,
  encodeURIComponentFn,
  isAbortSignal,
  isFiniteNumber,
  matches,
  mathTrunc,
  objectCreate,
  reflectApply,
  stringIsWellFormed,
  stringToWellFormed,
} from './intrinsics.js';

export function typeError(context: string, message: string): TypeError {
  return new TypeError(`${context}: ${message}`);
}

/** The TypeError an attribute getter throws for a `this` that is not an instance of its interface. */
export function illegalInvocation(interfaceName: string, member: string): TypeError {
  return typeError(`Failed to read the '${member}' property from '${interfaceName}'`, 'Illegal invocation');
}

export function domException(context: string, message: string, name: string): DOMException {
  return new DOMExceptionCtor(`${context}: ${message}`, name);
}

/** Web IDL DOMString: ECMAScript ToString, which refuses symbols. */
export function toDOMString(value: unknown, context: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'symbol') throw typeError(context, 'Cannot convert a Symbol value to a string.');
  return StringCtor(value);
}

// In unicode mode a surrogate pair is one code point outside this class: only lone ones match.
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;

/** Web IDL USVString: a DOMString with every lone surrogate replaced by U+FFFD. */
export function toUSVString(value: unknown, context: string): string {
  const string = toDOMString(value, context);
  if (stringIsWellFormed !== undefined) {
    return reflectApply(stringIsWellFormed, string, []) ? string : (reflectApply(stringToWellFormed!, string, []) as string);
  }
  return string.replace(LONE_SURROGATES, '\uFFFD');
}

/** Web IDL dictionary: undefined and null are the empty dictionary; other non-objects throw. */
export function toDictionary(value: unknown, context: string, dictionaryName: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw typeError(context, `The provided value is not of type '${dictionaryName}'.`);
  }
  return value as Record<string, unknown>;
}

/**
 * Web IDL sequence<USVString>: any iterable object; a string is not an object and is refused.
 * As Web IDL does, @@iterator and the iterator's next are each read once.
 */
export function toUSVStringSequence(value: unknown, context: string): string[] {
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw typeError(context, 'The provided value cannot be converted to a sequence.');
  }
  const iteratorMethod = (value as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator];
  if (typeof iteratorMethod !== 'function') {
    throw typeError(context, 'The object must have a callable @@iterator property.');
  }
  const iterator = reflectApply(iteratorMethod, value, []) as { next?: unknown };
  if (typeof iterator !== 'object' || iterator === null) throw typeError(context, 'The iterator is not an object.');
  const next = iterator.next;
  const result: string[] = [];
  for (;;) {
    const step = reflectApply(next as () => unknown, iterator, []) as IteratorResult<unknown>;
    if (typeof step !== 'object' || step === null) throw typeError(context, 'The iterator result is not an object.');
    if (step.done) return result;
    result[result.length] = toUSVString(step.value, context);
  }
}

/** Web IDL [EnforceRange] unsigned short. */
export function toEnforcedUnsignedShort(value: unknown, context: string): number {
  if (typeof value === 'symbol' || typeof value === 'bigint') {
    throw typeError(context, `Cannot convert a ${typeof value === 'symbol' ? 'Symbol' : 'BigInt'} value to a number.`);
  }
  const number = NumberCtor(value);
  if (!isFiniteNumber(number)) throw typeError(context, 'Value is not a finite number.');
  const integer = mathTrunc(number);
  if (integer < 0 || integer > 0xffff) {
    throw typeError(context, `Value is outside the 'unsigned short' value range.`);
  }
  return integer === 0 ? 0 : integer;
}

export function toAbortSignal(value: unknown, context: string): AbortSignal {
  if (!isAbortSignal(value)) throw typeError(context, "Member 'signal' is not of type 'AbortSignal'.");
  return value;
}

/**
 * The URL steps of the WebSocketStream constructor: resolve against the base URL, map http(s) to
 * ws(s), and refuse other schemes and fragments with a "SyntaxError" DOMException.
 */
export function parseWebSocketURL(url: string, context: string): string {
  let parsed: URL;
  try {
    parsed = new URLCtor(url, currentBaseURL());
  } catch {
    throw domException(context, `The URL '${url}' is invalid.`, 'SyntaxError');
  }
  let href = parsed.href;
  // `hash` is "" both for no fragment and for an empty one; only the serialization tells them apart.
  if (href.indexOf('#') !== -1) {
    throw domException(context, `WebSocket URLs may not have a fragment: '${href}'.`, 'SyntaxError');
  }
  const scheme = parsed.protocol;
  if (scheme === 'http:' || scheme === 'https:') href = `ws${href.slice(4)}`;
  else if (scheme !== 'ws:' && scheme !== 'wss:') {
    throw domException(context, `The URL's scheme must be ws, wss, http or https, not '${scheme}'.`, 'SyntaxError');
  }
  return href;
}

const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Every protocol must be an HTTP token, and none may repeat. */
export function validateProtocols(protocols: readonly string[], context: string): void {
  const seen = objectCreate(null) as Record<string, true>;
  for (const protocol of protocols) {
    if (!matches(HTTP_TOKEN, protocol)) {
      throw domException(context, `The subprotocol '${protocol}' is invalid.`, 'SyntaxError');
    }
    if (seen[protocol]) {
      throw domException(context, `The subprotocol '${protocol}' is duplicated.`, 'SyntaxError');
    }
    seen[protocol] = true;
  }
}

export const MAX_REASON_BYTES = 123;

export function isSendableCloseCode(code: number): boolean {
  return code === 1000 || (code >= 3000 && code <= 4999);
}

/**
 * The UTF-8 length of a USVString: encodeURIComponent writes each byte of a character outside
 * ASCII's unreserved ones as a %XX escape. Every reason measured is a USVString, converted from
 * the application's or decoded from a close frame; a lone surrogate would make it throw.
 */
export function utf8ByteLength(string: string): number {
  return encodeURIComponentFn(string).replace(/%../g, '-').length;
}

export interface CloseInfo {
  closeCode: number | null;
  reason: string;
}

/**
 * Converts a WebSocketCloseInfo dictionary and validates it as close() and new WebSocketError()
 * do: the code must be 1000 or 3000..4999, the reason at most 123 UTF-8 bytes, and a reason
 * without a code implies 1000.
 */
export function toValidatedCloseInfo(value: unknown, context: string): CloseInfo {
  const dictionary = toDictionary(value, context, 'WebSocketCloseInfo');
  // Members are read in lexicographic order, as Web IDL converts dictionaries.
  const rawCode = dictionary['closeCode'];
  const closeCode = rawCode === undefined ? null : toEnforcedUnsignedShort(rawCode, context);
  const rawReason = dictionary['reason'];
  const reason = rawReason === undefined ? '' : toUSVString(rawReason, context);
  if (closeCode !== null && !isSendableCloseCode(closeCode)) {
    throw domException(context, `The close code must be 1000 or in 3000..4999, not ${closeCode}.`, 'InvalidAccessError');
  }
  if (utf8ByteLength(reason) > MAX_REASON_BYTES) {
    throw domException(context, `The close reason is longer than ${MAX_REASON_BYTES} UTF-8 bytes.`, 'SyntaxError');
  }
  return { closeCode: closeCode === null && reason !== '' ? 1000 : closeCode, reason };
}
