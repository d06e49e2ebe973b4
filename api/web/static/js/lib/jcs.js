// RFC 8785 JSON Canonicalization Scheme (JCS), the only encoding yide hashes or signs.
//
// JCS was designed on ECMAScript: strings are serialised as JSON.stringify does, numbers as
// Number.prototype.toString does, and object members are sorted by their UTF-16 code units, which is
// JavaScript's default string order. What JCS adds, and this module enforces: no lone surrogates,
// no NaN or infinities, no undefined, functions or other non-JSON values.

export class CanonicalError extends Error {
  constructor(message) {
    super(message);
    this.name = "CanonicalError";
  }
}

function checkWellFormed(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) throw new CanonicalError("lone surrogate in a string");
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw new CanonicalError("lone surrogate in a string");
    }
  }
}

function serialise(value, depth) {
  if (depth > 64) throw new CanonicalError("nested too deeply");
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new CanonicalError("NaN and infinities are not JSON");
      return JSON.stringify(value); // ES number serialisation, -0 as 0: exactly RFC 8785 §3.2.2.3
    case "string":
      checkWellFormed(value);
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw new CanonicalError(`a ${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    return "[" + value.map((item) => serialise(item, depth + 1)).join(",") + "]";
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new CanonicalError("only plain objects are JSON");
  const keys = Object.keys(value).sort(); // UTF-16 code unit order
  return (
    "{" +
    keys
      .map((key) => {
        checkWellFormed(key);
        if (value[key] === undefined) throw new CanonicalError(`member ${key} is undefined`);
        return JSON.stringify(key) + ":" + serialise(value[key], depth + 1);
      })
      .join(",") +
    "}"
  );
}

/** The RFC 8785 text of a JSON value (encode it with UTF-8 to get the bytes that are hashed). */
export function canonicalize(value) {
  return serialise(value, 0);
}
