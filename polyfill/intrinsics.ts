// The platform functions the polyfill calls are looked up once, when the module loads, so that page
// code which later replaces or patches a global (Promise, ReadableStream, URL, String, Math, ...)
// or a prototype method it relies on (Promise.prototype.then, the AbortSignal and ArrayBuffer
// getters, addEventListener) cannot change how an existing WebSocketStream behaves.
//
// Not captured, on purpose: methods called on values the polyfill made itself or was just given —
// a string's replace/slice/indexOf, a URL record's href, a stream controller's enqueue. Taking
// each from its prototype at load and calling it through Reflect.apply would cost bytes and time
// on every message for a page that rewrites String.prototype, which breaks far more than this.
//
// Every call here is marked pure, so a bundler can drop what a program does not use.

import { FOR_LEGACY_ENGINES } from './legacy-engines.js';

export const globalObject = globalThis;

export const PromiseCtor = Promise;
const promiseThen = Promise.prototype.then;

export const ReadableStreamCtor: typeof ReadableStream | undefined = globalObject.ReadableStream;
export const WritableStreamCtor: typeof WritableStream | undefined = globalObject.WritableStream;
export const DOMExceptionCtor: typeof DOMException = globalObject.DOMException;
export const URLCtor: typeof URL = globalObject.URL;
export const WebSocketCtor: typeof WebSocket | undefined = globalObject.WebSocket;
export const StringCtor = String;
export const NumberCtor = Number;
export const isFiniteNumber = Number.isFinite;
export const mathTrunc = Math.trunc;
export const mathMin = Math.min;
export const objectCreate = Object.create;
export const encodeURIComponentFn = encodeURIComponent;
const regExpTest = RegExp.prototype.test;

export const setTimeoutFn: (callback: () => void, ms: number) => unknown = /*#__PURE__*/ globalObject.setTimeout.bind(globalObject);
export const clearTimeoutFn = /*#__PURE__*/ globalObject.clearTimeout.bind(globalObject) as (handle: unknown) => void;

type Scheduler = { postTask(callback: () => void): unknown };
const schedulerObject = (globalObject as { scheduler?: Scheduler }).scheduler;
const postTaskFn = /*#__PURE__*/ schedulerObject?.postTask?.bind(schedulerObject);

/**
 * Calls `callback` in a task of its own: scheduler.postTask where there is one, which no engine
 * clamps, else a 0 ms timer. A timer set from a timer task nests, and after five levels browsers
 * delay it by 4 ms; a timer set from a posted task starts a new chain. (The task's promise could
 * reject only if `callback` threw, which a timer would report the same way.)
 */
export function queueTask(callback: () => void): void {
  if (postTaskFn === undefined) setTimeoutFn(callback, 0);
  else postTaskFn(callback);
}

export const reflectApply = Reflect.apply;
const functionToString = Function.prototype.toString;

/** RegExp.prototype.test as it was at load. */
export function matches(pattern: RegExp, string: string): boolean {
  return reflectApply(regExpTest, pattern, [string]) as boolean;
}

/** Whether `fn` is built into the engine rather than written in script ("[native code]"). */
export function isNativeFunction(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  try {
    return matches(/\{\s*\[native code\]\s*\}\s*$/, reflectApply(functionToString, fn, []) as string);
  } catch {
    return false;
  }
}
export const defineProperty = Object.defineProperty;
export const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const isArrayBufferView = ArrayBuffer.isView;
const stringPrototype = String.prototype as { isWellFormed?: () => boolean; toWellFormed?: () => string };
export const stringIsWellFormed = stringPrototype.isWellFormed;
export const stringToWellFormed = stringPrototype.toWellFormed;

function getter(prototype: object | undefined, name: PropertyKey): ((this: unknown) => unknown) | undefined {
  return prototype === undefined ? undefined : getOwnPropertyDescriptor(prototype, name)?.get;
}

// Native getters double as brand checks: they throw a TypeError for anything that is not really
// an instance, across realms too, which `instanceof` cannot promise.
const arrayBufferByteLength = /*#__PURE__*/ getter(ArrayBuffer.prototype, 'byteLength')!;
const arrayBufferResizable = /*#__PURE__*/ getter(ArrayBuffer.prototype, 'resizable');
// %TypedArray%.prototype[@@toStringTag]: a typed array's kind by its internal slot, undefined for
// any other value (a DataView), whatever its prototype chain says.
const typedArrayKind = /*#__PURE__*/ getter(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!;
const abortSignalAborted = /*#__PURE__*/ getter(globalObject.AbortSignal?.prototype, 'aborted');
const abortSignalReason = /*#__PURE__*/ getter(globalObject.AbortSignal?.prototype, 'reason');
const eventTargetPrototype = globalObject.EventTarget?.prototype;
const addEventListenerFn = eventTargetPrototype?.addEventListener;
const removeEventListenerFn = eventTargetPrototype?.removeEventListener;

export function promiseThenCall<T, R>(
  promise: Promise<T>,
  onFulfilled?: ((value: T) => R | PromiseLike<R>) | undefined,
  onRejected?: ((reason: unknown) => R | PromiseLike<R>) | undefined,
): Promise<R> {
  return reflectApply(promiseThen, promise, [onFulfilled, onRejected]) as Promise<R>;
}

/** Whether a native getter accepts `value` as its receiver: a brand check that works across realms. */
function passesBrandCheck(brandGetter: (this: unknown) => unknown, value: unknown): boolean {
  try {
    reflectApply(brandGetter, value, []);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether an ArrayBuffer is resizable (false where engines predate them); undefined for anything
 * else: a SharedArrayBuffer, a view, a primitive. One getter call is both checks, since the
 * `resizable` getter (or, before it, `byteLength`) throws for anything but an ArrayBuffer.
 */
export function resizableIfArrayBuffer(value: unknown): boolean | undefined {
  try {
    if (arrayBufferResizable === undefined) {
      reflectApply(arrayBufferByteLength, value, []);
      return false;
    }
    return reflectApply(arrayBufferResizable, value, []) as boolean;
  } catch {
    return undefined;
  }
}

export function arrayBufferByteLengthOf(buffer: ArrayBuffer): number {
  return reflectApply(arrayBufferByteLength, buffer, []) as number;
}

export function isUint8Array(view: ArrayBufferView): view is Uint8Array {
  return reflectApply(typedArrayKind, view, []) === 'Uint8Array';
}

export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  if (FOR_LEGACY_ENGINES && abortSignalAborted === undefined) return typeof (value as AbortSignal).aborted === 'boolean';
  return passesBrandCheck(abortSignalAborted!, value);
}

export function isSignalAborted(signal: AbortSignal): boolean {
  if (FOR_LEGACY_ENGINES && abortSignalAborted === undefined) return signal.aborted === true;
  return reflectApply(abortSignalAborted!, signal, []) === true;
}

export function abortReasonOf(signal: AbortSignal): unknown {
  // Engines from before AbortSignal.reason abort with an AbortError, as the standard's default.
  const reason = abortSignalReason === undefined ? undefined : reflectApply(abortSignalReason, signal, []);
  return reason === undefined ? new DOMExceptionCtor('The operation was aborted.', 'AbortError') : reason;
}

export function addEventListenerTo(target: EventTarget, type: string, listener: () => void): void {
  if (FOR_LEGACY_ENGINES && addEventListenerFn === undefined) target.addEventListener(type, listener);
  else reflectApply(addEventListenerFn!, target, [type, listener]);
}

export function removeEventListenerFrom(target: EventTarget, type: string, listener: () => void): void {
  if (FOR_LEGACY_ENGINES && removeEventListenerFn === undefined) target.removeEventListener(type, listener);
  else reflectApply(removeEventListenerFn!, target, [type, listener]);
}

/** The URL relative WebSocket URLs resolve against: the document's base URL, or a worker's location. */
export function currentBaseURL(): string | undefined {
  const { document, location } = globalObject as { document?: { baseURI?: unknown }; location?: { href?: unknown } };
  const base = document?.baseURI ?? location?.href;
  return typeof base === 'string' ? base : undefined;
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function createDeferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new PromiseCtor<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// One fulfilled promise serves every caller: it is only ever awaited inside the polyfill and the
// streams, never handed to page code, and a write that settles at once needs no promise of its own.
export const fulfilledPromise = /*#__PURE__*/ new PromiseCtor<void>((resolve) => resolve());

export function rejectedPromise<T = never>(reason: unknown): Promise<T> {
  return new PromiseCtor<T>((_resolve, reject) => reject(reason));
}

const noop = (): void => {};

/** Like the standard's "mark as handled": a rejection nobody listens to is not reported. */
export function markAsHandled(promise: Promise<unknown>): void {
  promiseThenCall(promise, undefined, noop);
}
