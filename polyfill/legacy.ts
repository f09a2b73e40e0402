// The legacy classic-script build, for engines without WHATWG streams or recent built-ins: it
// first installs what is missing (each only where absent), then the polyfill itself.

import 'core-js/actual/global-this';
import './legacy-streams.js';
import './iife.js';
