import { isWellFormedText, type FieldIssue } from '@at/common';

type Frame = { kind: 'object' | 'array'; path: string; keys: Set<string>; index: number; key: string | undefined; expectKey: boolean };

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
    const char = text[i];
    const frame = stack[stack.length - 1];
    if (char === '{' || char === '[') {
      const path = frame ? childPath(frame) : root;
      stack.push({ kind: char === '{' ? 'object' : 'array', path, keys: new Set(), index: 0, key: undefined, expectKey: char === '{' });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      if (frame?.kind === 'array') frame.index += 1;
      else if (frame) frame.expectKey = true;
    } else if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) return [];
      let value: string;
      try {
        value = JSON.parse(text.slice(i, end + 1)) as string;
      } catch {
        return [];
      }
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
