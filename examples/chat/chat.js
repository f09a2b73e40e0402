// A chat client on WebSocketStream. The same client on a classic WebSocket, for comparison:
//
//   const ws = new WebSocket(url);
//   ws.onopen = () => enableSending();
//   ws.onmessage = (event) => showMessage(JSON.parse(event.data));
//   sendButton.onclick = () => ws.send(JSON.stringify({ type: 'message', text }));
//   ws.onclose = (event) => showClosed(event.code, event.reason);
//   leaveButton.onclick = () => ws.close(1000, 'left the room');
//
// With WebSocketStream, `opened` gives a readable (one chunk per message) and a writable (one
// message per chunk); `closed` gives the close code and reason. Reading is a loop that asks for
// the next message when it is ready for it, and writing is a promise that says whether it worked.
import { showImplementation } from '../implementation.js';

const $ = (id) => document.getElementById(id);

/** The latest connection: { stream, writer, state: 'connecting'|'open'|'closing'|'closed' }. */
let connection = null;

showImplementation($('implementation'));

$('join').addEventListener('submit', (event) => {
  event.preventDefault();
  join($('name').value);
});
$('leave').addEventListener('click', () => leave());
$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  send($('text').value);
});

async function join(name) {
  clearSendFeedback();
  // A relative URL is resolved against the page, and http: becomes ws:.
  const stream = new WebSocketStream(`/ws/chat?name=${encodeURIComponent(name)}`);
  const current = { stream, writer: null, state: 'connecting' };
  connection = current;
  setJoined(true);
  setStatus('connecting', 'Connecting…');

  let opened;
  try {
    opened = await stream.opened;
  } catch (error) {
    // Why a connection failed is deliberately opaque: every failure is the same WebSocketError.
    current.state = 'closed';
    setJoined(false);
    setStatus('error', `Could not connect: ${describe(error)}`);
    return;
  }
  current.state = 'open';
  current.writer = opened.writable.getWriter();
  // Once the connection is gone this rejects; send() reports that error where the user sees it.
  current.writer.closed.catch(() => {});
  setStatus('open', 'Connected.');
  $('text').disabled = false;
  $('send').disabled = false;
  $('text').focus();

  stream.closed.then(
    ({ closeCode, reason }) => {
      current.state = 'closed';
      setStatus('closed', `Closed cleanly: code ${closeCode}${reason ? `, “${reason}”` : ''}.`);
    },
    (error) => {
      current.state = 'closed';
      setStatus('error', `Connection lost: ${describe(error)}`);
    },
  ).finally(() => {
    if (connection === current) setJoined(false);
  });

  await readMessages(opened.readable.getReader());
}

/** Renders every message until the readable ends (clean close) or errors (anything else). */
async function readMessages(reader) {
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      showMessage(value);
    }
  } catch {
    // The same WebSocketError also rejects `closed`, whose handler reports it.
  }
}

async function send(text) {
  clearSendFeedback();
  if (connection?.writer == null) return;
  const { writer, state } = connection;
  try {
    await writer.write(JSON.stringify({ type: 'message', text }));
    if (state === 'closing') {
      showSendInfo('write() resolved, but nothing was sent: the closing handshake had already started.');
    } else {
      $('text').value = '';
    }
  } catch (error) {
    showSendError(`Not sent: write() rejected with ${describe(error)}`);
  }
}

function leave() {
  // During the handshake, close() abandons it: `opened` rejects, and join() reports that.
  if (connection === null || (connection.state !== 'open' && connection.state !== 'connecting')) return;
  connection.state = 'closing';
  setStatus('closing', 'Leaving…');
  connection.stream.close({ closeCode: 1000, reason: 'left the room' });
}

function showMessage(json) {
  let message;
  try {
    message = JSON.parse(json);
  } catch {
    addListItem('error', `Unreadable message from the server: ${json.slice(0, 80)}`);
    return;
  }
  switch (message.type) {
    case 'welcome':
      addListItem('system', `You joined as ${message.name}.`);
      showPeople(message.people);
      break;
    case 'joined':
    case 'left':
      addListItem('system', `${message.name} ${message.type}.`);
      showPeople(message.people);
      break;
    case 'message':
      addChatMessage(message);
      break;
    case 'error':
      addListItem('error', `Server: ${message.message}`);
      break;
  }
}

function addChatMessage({ from, text, at }) {
  const item = addListItem('message', '');
  const fromElement = item.appendChild(document.createElement('span'));
  fromElement.className = 'from';
  fromElement.textContent = from;
  item.append(text);
  const time = item.appendChild(document.createElement('span'));
  time.className = 'time';
  time.textContent = new Date(at).toLocaleTimeString();
}

function addListItem(kind, text) {
  const list = $('messages');
  const item = list.appendChild(document.createElement('li'));
  item.dataset.kind = kind;
  item.textContent = text;
  list.scrollTop = list.scrollHeight;
  return item;
}

function showPeople(people) {
  $('people').textContent = `In the room: ${people.join(', ')}`;
}

function setJoined(joined) {
  $('join-button').disabled = joined;
  $('name').disabled = joined;
  $('leave').disabled = !joined;
  if (!joined) $('people').textContent = '';
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

function showSendInfo(text) {
  $('send-info').textContent = text;
}

function showSendError(text) {
  $('send-error').textContent = text;
}

function clearSendFeedback() {
  showSendInfo('');
  showSendError('');
}

function describe(error) {
  const code = error?.closeCode != null ? ` (closeCode ${error.closeCode})` : '';
  return `${error?.name ?? 'Error'}${code}: ${error?.message ?? String(error)}`;
}
