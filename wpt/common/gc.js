// garbageCollect(): asks the engine for a garbage collection when it offers a
// way to (TestUtils.gc, a `gc` global exposed by a flag such as V8's
// --expose-gc, WebKit's GCController, old IE's CollectGarbage), and otherwise
// makes enough short-lived garbage that a collection is likely. Tests must
// not depend on a collection having happened; they use this to make a bug
// that a collection would expose more likely to show.
self.garbageCollect = async function garbageCollect() {
  if (self.TestUtils && typeof self.TestUtils.gc === 'function') {
    return self.TestUtils.gc();
  }
  if (typeof self.gc === 'function') {
    return self.gc();
  }
  if (self.GCController && typeof self.GCController.collect === 'function') {
    return self.GCController.collect();
  }
  if (typeof self.CollectGarbage === 'function') {
    return self.CollectGarbage();
  }
  for (let round = 0; round < 1000; round++) {
    const garbage = [];
    for (let i = 0; i < 100; i++) garbage.push({ index: i, text: String(i) });
  }
  return undefined;
};
