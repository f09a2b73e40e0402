// A live monitor on WebSocketStream: a fast feed of JSON ticks { seq, t, value, waitedMs } through
// a parsing TransformStream into a renderer that is slower than the feed.
//
// The same on a classic WebSocket has nowhere to put the pressure:
//
//   const ws = new WebSocket(url);
//   ws.onmessage = (event) => queue.push(JSON.parse(event.data)); // every message, as it arrives
//   requestAnimationFrame(function frame() { draw(queue.splice(0, 250)); requestAnimationFrame(frame); });
//
// Here the renderer is a WritableStream whose write() waits while it is busy, and pipeTo() only
// reads the next message once the previous write has room: the consumer sets the pace.
import { showImplementation } from '../implementation.js';

const $ = (id) => document.getElementById(id);

/** One frame draws at most this many ticks: about 15 000 ticks/s at 60 frames per second. */
const MAX_TICKS_PER_FRAME = 250;
const CHART_POINTS = 600;
const STATS_INTERVAL_MS = 250;

document.body.dataset.implementation = showImplementation($('implementation'));

const counters = { read: 0, rendered: 0, dropped: 0 };
/** The newest tick drawn, and the last second of samples of the rendered count, for the rate. */
let newestRendered = null;
let samples = [];
const history = [];
/** The running feed: { stream, stopping: AbortController, aborted by Stop }. */
let feed = null;

let paused = false;
let resumeRendering = () => {};
let renderingResumed = Promise.resolve();

$('controls').addEventListener('submit', (event) => {
  event.preventDefault();
  start(Number($('rate').value));
});
$('stop').addEventListener('click', () => stop());
$('pause').addEventListener('change', (event) => setPaused(event.target.checked));
setInterval(showStats, STATS_INTERVAL_MS);

async function start(rate) {
  Object.assign(counters, { read: 0, rendered: 0, dropped: 0 });
  newestRendered = null;
  samples = [];
  $('start').disabled = true;
  $('rate').disabled = true;
  setStatus('connecting', 'Connecting…');
  const stream = new WebSocketStream(`/ws/feed?rate=${rate}`);
  const stopping = new AbortController();
  feed = { stream, stopping };

  let readable;
  try {
    ({ readable } = await stream.opened);
  } catch (error) {
    setStatus('error', `Could not connect: ${describe(error)}`);
    finish();
    return;
  }
  setStatus('open', rate === 0 ? 'Receiving, as fast as the socket allows.' : `Receiving ${rate.toLocaleString()} ticks/s.`);
  $('stop').disabled = false;

  const parse = new TransformStream({
    transform(text, controller) {
      counters.read++;
      controller.enqueue(JSON.parse(text));
    },
  });
  const piped = readable.pipeThrough(parse).pipeTo(new WritableStream(createRenderSink(stopping.signal)));
  try {
    const { closeCode, reason } = await stream.closed;
    setStatus('closed', `Stopped. Closed cleanly: code ${closeCode}${reason ? `, “${reason}”` : ''}.`);
  } catch (error) {
    setStatus('error', `Connection lost: ${describe(error)}`);
  }
  // The pipe ends once what was already queued has been read; a lost connection errors it,
  // which `closed` has just reported.
  await piped.catch(() => {});
  finish();
}

/**
 * Closes with a code and reason of our own, and lets the pipe run on: the readable keeps being
 * read until the server's close frame arrives, so the closing handshake completes promptly even
 * with megabytes still in flight. (Cancelling the readable instead — pipeTo's abort signal —
 * stops reading, and the server's answer could then be stuck behind data nobody reads.)
 */
function stop() {
  if (feed === null) return;
  feed.stopping.abort();
  setStatus('closing', 'Stopping…');
  feed.stream.close({ closeCode: 4000, reason: 'stopped by the user' });
}

function finish() {
  feed = null;
  $('start').disabled = false;
  $('rate').disabled = false;
  $('stop').disabled = true;
}

/**
 * The renderer as an underlying sink. Ticks collect into a batch that the next animation frame
 * draws. A write returns at once while the batch has room; once it is full, the write's promise is
 * the frame, and until it settles pipeTo() reads nothing more. While rendering is paused, writes
 * wait for it to resume. After Stop, whatever is still queued is read and dropped.
 */
function createRenderSink(stopSignal) {
  const stopped = new Promise((resolve) => stopSignal.addEventListener('abort', resolve, { once: true }));
  let batch = [];
  let nextFrame = null;
  const drawSoon = () =>
    (nextFrame ??= new Promise((resolve) => {
      requestAnimationFrame(() => {
        nextFrame = null;
        draw(batch);
        batch = [];
        resolve();
      });
    }));
  return {
    async write(tick) {
      if (paused) await Promise.race([renderingResumed, stopped]);
      if (stopSignal.aborted) {
        counters.dropped++;
        return;
      }
      batch.push(tick);
      const drawn = drawSoon();
      if (batch.length >= MAX_TICKS_PER_FRAME) await drawn;
    },
    close: () => drawSoon(),
  };
}

function draw(ticks) {
  if (ticks.length === 0) return;
  counters.rendered += ticks.length;
  newestRendered = ticks[ticks.length - 1];
  for (const tick of ticks) history.push(tick.value);
  history.splice(0, Math.max(0, history.length - CHART_POINTS));
  drawChart();
  $('latest').textContent = newestRendered.value.toFixed(2);
}

function drawChart() {
  const canvas = $('chart');
  const context = canvas.getContext('2d');
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  context.strokeStyle = getComputedStyle(document.body).getPropertyValue('--accent');
  context.lineWidth = 1.5;
  context.beginPath();
  history.forEach((value, index) => {
    const x = (index / (CHART_POINTS - 1)) * width;
    const y = height - (value / 100) * (height - 8) - 4; // readings are 0..100
    if (index === 0) context.moveTo(x, y);
    else context.lineTo(x, y);
  });
  context.stroke();
}

function setPaused(value) {
  paused = value;
  if (paused) {
    renderingResumed = new Promise((resolve) => (resumeRendering = resolve));
  } else {
    resumeRendering();
  }
}

/** Counters and rates, four times a second; rates are over the last second. */
function showStats() {
  const now = performance.now();
  samples.push({ now, rendered: counters.rendered });
  samples = samples.filter((sample) => now - sample.now <= 1000 + STATS_INTERVAL_MS);
  const oldest = samples[0];
  const seconds = (now - oldest.now) / 1000;
  const renderRate = seconds > 0 ? (counters.rendered - oldest.rendered) / seconds : 0;
  const last = newestRendered;

  showNumber('read', counters.read);
  showNumber('rendered', counters.rendered);
  showNumber('in-pipe', counters.read - counters.rendered - counters.dropped);
  showNumber('dropped', counters.dropped);
  showNumber('render-rate', Math.round(renderRate));
  showNumber('server-waited', last?.waitedMs ?? 0);
  showNumber('lag', last && feed ? Math.max(0, (Date.now() - last.t) / 1000) : 0, 1);
}

function showNumber(id, value, fractionDigits = 0) {
  const element = $(id);
  element.dataset.value = String(value);
  element.textContent = value.toLocaleString(undefined, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

function describe(error) {
  const code = error?.closeCode != null ? ` (closeCode ${error.closeCode})` : '';
  return `${error?.name ?? 'Error'}${code}: ${error?.message ?? String(error)}`;
}
