// token(): a random identifier in UUID form, e.g. for stash keys that must
// not collide between tests or runs. Not cryptographically strong; it only
// needs to be unlikely to repeat.
function token() {
  const hex = (count) => {
    let digits = '';
    for (let i = 0; i < count; i++) digits += Math.floor(Math.random() * 16).toString(16);
    return digits;
  };
  const variantDigit = '89ab'[Math.floor(Math.random() * 4)];
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variantDigit}${hex(3)}-${hex(12)}`;
}
