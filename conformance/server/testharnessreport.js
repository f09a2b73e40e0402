// Served as /resources/testharnessreport.js. When testharness.js has every
// result (including those a worker sent through fetch_tests_from_worker), they
// are stored on globalThis.__wptResults for the browser drivers to collect.
// A page the launcher driver opened (no automation protocol: see
// server/launcher-sessions.mjs) also posts them to its session and goes back to
// the waiting room; the session is in a cookie, since a query parameter would
// change location.search, which tests read.
(function () {
  var TEST_STATUSES = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
  var HARNESS_STATUSES = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'];
  // Read now: a test that touches cookies must not lose the page its results.
  var launcher = /(?:^|;\s*)wpt_launcher=([0-9a-f]+)\.([0-9a-f]+)/.exec(typeof document === 'object' ? document.cookie : '');

  function postToLauncher(session, token, results) {
    var request = new XMLHttpRequest();
    request.open('POST', '/_launcher/results?session=' + session + '&token=' + token);
    // Back to the waiting room once the server has them (or could not take them: the driver's bound then applies).
    request.onloadend = function () {
      location.replace('/_launcher/waiting-room?session=' + session);
    };
    request.send(JSON.stringify(results));
  }

  function text(value) {
    return value === undefined || value === null ? null : String(value);
  }

  add_completion_callback(function (tests, harnessStatus) {
    globalThis.__wptResults = {
      status: {
        status: HARNESS_STATUSES[harnessStatus.status] || 'ERROR',
        message: text(harnessStatus.message),
      },
      tests: tests.map(function (test) {
        return { name: test.name, status: TEST_STATUSES[test.status] || 'FAIL', message: text(test.message) };
      }),
    };
    if (launcher) postToLauncher(launcher[1], launcher[2], globalThis.__wptResults);
  });
})();
