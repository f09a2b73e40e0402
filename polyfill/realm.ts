// One WebSocketStream and one WebSocketError per realm, however many copies of the polyfill a page
// or program loads (a classic script and a bundled import, ES module and CommonJS entries, two
// versions in one bundle). A brand check only knows instances of its own class, so a second class
// would not recognise the first one's WebSocketError when it is passed to abort() or cancel().
//
// The first copy to create an interface records it under one symbol-keyed, non-enumerable property
// of the global object, as core-js keeps one shared store per realm for the same reason; every later
// copy finds it there and hands out that interface instead of its own. No global name is defined.

import { defineProperty, globalObject, objectCreate } from './intrinsics.js';

/** The record layout's version is in the key: copies that disagree on it keep apart. */
const REALM_KEY = Symbol.for('websocketstream-polyfill.realm.v1');

type Records = Record<string, unknown>;

// Where the global object cannot take the property (a frozen realm), each copy keeps its own.
let ownRecords: Records | undefined;

function realmRecords(): Records {
  const holder = globalObject as { [REALM_KEY]?: Records };
  const found = holder[REALM_KEY];
  if (found !== undefined) return found;
  if (ownRecords !== undefined) return ownRecords;
  const records = objectCreate(null) as Records;
  try {
    defineProperty(globalObject, REALM_KEY, { value: records });
  } catch {
    ownRecords = records;
  }
  return records;
}

/**
 * The realm's record for `name`: the one an earlier copy created, or the one `create` makes now.
 * Calls to it are marked pure, so a bundler drops an interface that a program never uses.
 */
export function sharedRecord<T>(name: string, create: () => T): T {
  const records = realmRecords();
  if (!(name in records)) records[name] = create();
  return records[name] as T;
}

/** The interface object of the realm's record for `name`. */
export function sharedInterface<T>(name: string, create: () => { readonly interface: T }): T {
  return sharedRecord(name, create).interface;
}
