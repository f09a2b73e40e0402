// Must run before the polyfill's modules load: they capture ReadableStream/WritableStream then.

import { ReadableStream, WritableStream } from 'web-streams-polyfill';

const globalObject = globalThis as Record<string, unknown>;
for (const [name, value] of [['ReadableStream', ReadableStream], ['WritableStream', WritableStream]] as const) {
  if (!(name in globalObject)) {
    Object.defineProperty(globalObject, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
