import { isWellFormedText, type FieldIssue } from '@at/common';

type Frame = { kind: 'object' | 'array'; path: string; keys: Set<string>; index: number; key: string | undefined; expectKey: boolean };

// the characters the scan stops at, as UTF-16 code units
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const childPath = (frame: Frame) => `${frame.path}.${frame.kind === 'array' ? frame.index : (frame.key ?? '')}`;

/**
 * What JSON.parse accepts but we refuse, found in the raw text: a key given twice in one object
 * (JSON.parse silently keeps the last, so two parsers of one body could disagree), and a string
 * or key that escapes a lone surrogate (`"\ud800"`: no UTF-8 text can hold it, so Postgres, the
 * vault and providers would each store or receive a different string). Iterative, so nesting
 * depth costs no stack. Returns nothing for text that is not valid JSON: the parser reports it.
 */
export function jsonTextIssues(text: string, root = 'body'): FieldIssue[] {
  const stack: Frame[] = [];
  const issues: FieldIssue[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const frame = stack[stack.length - 1];
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      const path = frame ? childPath(frame) : root;
      stack.push({ kind: code === OPEN_BRACE ? 'object' : 'array', path, keys: new Set(), index: 0, key: undefined, expectKey: code === OPEN_BRACE });
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      stack.pop();
    } else if (code === COMMA) {
      if (frame?.kind === 'array') frame.index += 1;
      else if (frame) frame.expectKey = true;
    } else if (code === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length; end += 1) {
        const c = text.charCodeAt(end);
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          escaped = true;
          end += 1;
        } else if (c < 0x20) {
          // a raw control character: not JSON
          return [];
        }
      }
      if (end >= text.length) return [];
      // only an escape makes a string's value differ from its text
      const value = escaped ? unescaped(text.slice(i, end + 1)) : text.slice(i + 1, end);
      if (value === undefined) return [];
      i = end;
      if (frame?.kind === 'object' && frame.expectKey) {
        frame.expectKey = false;
        if (!isWellFormedText(value)) {
          issues.push({ path: frame.path, message: 'a key is not well-formed Unicode (it escapes a lone surrogate)' });
          frame.key = undefined;
          continue;
        }
        frame.key = value;
        if (frame.keys.has(value)) issues.push({ path: childPath(frame), message: 'given more than once' });
        frame.keys.add(value);
      } else if (!isWellFormedText(value)) {
        issues.push({ path: frame ? childPath(frame) : root, message: 'must be well-formed Unicode (it escapes a lone surrogate)' });
      }
    }
  }
  return issues;
}

function unescaped(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}
