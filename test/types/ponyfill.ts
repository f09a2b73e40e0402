// The ponyfill's types are precise (an opened stream always has its streams), and it declares no global.
import { WebSocketError, WebSocketStream, install, type WebSocketOpenInfo } from 'websocketstream-polyfill';

export async function echo(url: string): Promise<string | Uint8Array | undefined> {
  const stream: WebSocketStream = new WebSocketStream(url, { protocols: new Set(['chat']) });
  const info: WebSocketOpenInfo = await stream.opened;
  await info.writable.getWriter().write(new Uint8Array([1, 2, 3]));
  const { value } = await info.readable.getReader().read();
  const { closeCode, reason }: { closeCode: number; reason: string } = await stream.closed;
  void [closeCode.toFixed(), reason.trim()];
  return value;
}

export const error: WebSocketError = new WebSocketError('m', { closeCode: 4000 });
export const installed: Array<'WebSocketStream' | 'WebSocketError'> = install({ force: false, replaceNonconforming: true });

// @ts-expect-error the URL is a string or a URL
new WebSocketStream(123, { protocl: 'typo' });
// @ts-expect-error a misspelt option
new WebSocketStream('wss://example.test/', { protocl: 'typo' });
// @ts-expect-error a misspelt close code
new WebSocketError('m', { closecode: 4000 });
// @ts-expect-error install() has no such option
install({ forced: true });
// @ts-expect-error importing the ponyfill declares no global WebSocketStream
export const notGlobal = globalThis.WebSocketStream;
