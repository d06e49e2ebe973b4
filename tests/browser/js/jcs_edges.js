// RFC 8785 edge cases: what must be refused, how numbers and strings are written, key order.
async () => {
  const { canonicalize } = await import("/static/js/lib/jcs.js");
  const refusals = [NaN, Infinity, undefined, () => 1, "\ud800", { a: undefined }, new Date(0), 1n];
  const refused = refusals.map((value) => {
    try {
      canonicalize(value);
      return false;
    } catch (e) {
      return e.name === "CanonicalError";
    }
  });
  return {
    refused,
    numbers: canonicalize([0, -0, 1e21, 1e-7, 333333333.33333329, 4.5, -1]),
    text: canonicalize({ b: "\u0000\n\"é€😀", a: [true, false, null], "\u20ac": 1, "\ud83d\ude00": 2 }),
  };
}
