// The side-effect entry declares the globals it installs.
import 'websocketstream-polyfill/polyfill';

export async function echo(url: string | URL): Promise<string | undefined> {
  const stream = new WebSocketStream(url, { protocols: ['chat'], signal: AbortSignal.timeout(5000) });
  const { readable, writable } = await stream.opened;
  // As in TypeScript's DOM library, the members of a returned dictionary are optional.
  const writer = writable!.getWriter();
  await writer.write('hello');
  const { value } = await readable!.getReader().read();
  const info: WebSocketCloseInfo = await stream.closed;
  stream.close({ closeCode: info.closeCode ?? 1000, reason: 'done' });
  return typeof value === 'string' ? value : undefined;
}

export function errors(): number | null {
  const error: DOMException = new WebSocketError('message', { closeCode: 4000, reason: 'why' });
  return error instanceof WebSocketError ? error.closeCode : null;
}

// @ts-expect-error the URL is a string or a URL
new WebSocketStream(123);
// @ts-expect-error a misspelt option
new WebSocketStream('wss://example.test/', { protocl: 'typo' });
// @ts-expect-error protocols is a list
new WebSocketStream('wss://example.test/', { protocols: 'chat' });
// @ts-expect-error a misspelt close code
new WebSocketError('m', { closecode: 4000 });
// @ts-expect-error the close code is a number
new WebSocketError('m', { closeCode: '4000' });
// @ts-expect-error close() takes a WebSocketCloseInfo
new WebSocketStream('wss://example.test/').close('bye');
// @ts-expect-error url is read-only
new WebSocketStream('wss://example.test/').url = 'wss://elsewhere.test/';
