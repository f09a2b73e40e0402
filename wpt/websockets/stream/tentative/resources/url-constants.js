// The names upstream's websockets/stream/tentative tests use for the server.
// Needs ../../constants.sub.js (SCHEME_DOMAIN_PORT) loaded first.
const BASEURL = SCHEME_DOMAIN_PORT;
const ECHOURL = `${BASEURL}/echo`;
