// In a `u` regex a well-formed surrogate pair is one code point; only lone halves match \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;

/** True unless the string holds a lone surrogate, which no UTF-8 text (Postgres, HTTP) can carry. */
export const isWellFormedText = (value: string): boolean => !LONE_SURROGATE.test(value);

/** Length in code points, the way JSON Schema's maxLength counts, not UTF-16 units. */
export const codePointLength = (value: string): number => Array.from(value).length;
