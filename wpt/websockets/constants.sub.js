// Where the WebSocket endpoints of the test server are. The server fills in
// the double-brace fields when it serves this file (it is a `.sub.` file).
// The page's `?wss` variant selects the TLS port; any other page uses plain ws.
// Upstream's `?wpt_flags=h2` variant (WebSockets over HTTP/2) also selects TLS:
// this server has no HTTP/2 port and gives that variant its wss port.
// A worker sees the variant too: its page passes its query to the worker URL.
const SCHEME_DOMAIN_PORT = (location.search === '?wss' || /[?&]wpt_flags=h2(&|$)/.test(location.search))
  ? 'wss://{{host}}:{{ports[wss][0]}}'
  : 'ws://{{host}}:{{ports[ws][0]}}';
