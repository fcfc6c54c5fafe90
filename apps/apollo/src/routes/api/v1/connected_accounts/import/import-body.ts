import type { Request } from 'express';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type FieldIssue } from '@at/common';
import { jsonTextIssues } from '@at/http';

/** One item of an import body: its parsed JSON value, or why its text could not be read. */
export type RawImportItem = { index: number; value: unknown } | { index: number; unreadable: FieldIssue[] };

export type ImportBody = { items: RawImportItem[]; bytes: Buffer };

export const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl'] as const;

/** `64kb`, `16mb` (the BODY_LIMIT syntax) in bytes. */
export function byteLimit(spec: string): number {
  const match = /^(\d+)(b|kb|mb)$/.exec(spec);
  if (!match) throw new TypeError(`not a size: ${spec}`);
  return Number(match[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[match[2] as 'b' | 'kb' | 'mb'];
}

const tooMany = (max: number) => new ValidationError(`at most ${max} accounts per request`, [{ path: 'body', message: `more than ${max} items` }]);

// A JSON.parse message quotes the text it failed on, which may hold a token: never pass it on.
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Reads the body of an import: a JSON array of accounts, or NDJSON (one account per line, read
 * line by line as it streams in). Bounded: over `limitBytes` is a 413 (read no further), over
 * `maxItems` a 400. An NDJSON line that is not JSON (or not UTF-8, or has a key twice) is that
 * item's error, not the request's; a JSON array that does not parse is the request's 400.
 */
export async function readImportBody(req: Request, limitBytes: number, maxItems: number): Promise<ImportBody> {
  try {
    return await readBody(req, limitBytes, maxItems);
  } catch (error) {
    // refused before the body was read to its end: the rest is not read either, so this
    // connection cannot carry another request (a client would find it reset)
    if (!req.readableEnded) req.res?.setHeader('connection', 'close');
    throw error;
  }
}

async function readBody(req: Request, limitBytes: number, maxItems: number): Promise<ImportBody> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') throw new UnsupportedMediaTypeError('request body must not be content-encoded');
  const ndjson = typeof req.is([...NDJSON_TYPES]) === 'string';
  if (!ndjson && !req.is('application/json')) throw new UnsupportedMediaTypeError(`request body must be application/json (an array) or ${NDJSON_TYPES.join(' / ')}`);
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(req.headers['content-type'] ?? '')?.[2]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedMediaTypeError('request body must be UTF-8');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new PayloadTooLargeError('request body is too large');

  const chunks: Buffer[] = [];
  const items: RawImportItem[] = [];
  let size = 0;
  let pending: Buffer = Buffer.alloc(0);
  const takeLine = (line: Buffer) => {
    const text = decodeUtf8(line);
    if (text !== undefined && text.trim() === '') return;
    if (items.length >= maxItems) throw tooMany(maxItems);
    const index = items.length;
    if (text === undefined) {
      items.push({ index, unreadable: [{ path: 'item', message: 'line is not valid UTF-8' }] });
      return;
    }
    const parsed = parseJson(text);
    if (!parsed.ok) {
      items.push({ index, unreadable: [{ path: 'item', message: 'line is not valid JSON' }] });
      return;
    }
    const issues = jsonTextIssues(text, 'item');
    items.push(issues.length > 0 ? { index, unreadable: issues } : { index, value: parsed.value });
  };
  // not destroyed on an early exit (413, 400): the error answer still goes out on the socket
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new PayloadTooLargeError('request body is too large');
    chunks.push(chunk);
    if (!ndjson) continue;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let start = 0;
    for (let newline = pending.indexOf(10, start); newline !== -1; newline = pending.indexOf(10, start)) {
      takeLine(pending.subarray(start, newline));
      start = newline + 1;
    }
    pending = pending.subarray(start);
  }
  const bytes = Buffer.concat(chunks);
  if (ndjson) {
    if (pending.length > 0) takeLine(pending);
    return { items, bytes };
  }
  return { items: jsonArrayItems(bytes, maxItems), bytes };
}

function jsonArrayItems(bytes: Buffer, maxItems: number): RawImportItem[] {
  const text = decodeUtf8(bytes);
  if (text === undefined) throw new ValidationError('request body is not valid UTF-8', [{ path: 'body', message: 'not valid UTF-8' }]);
  const parsed = parseJson(text);
  if (!parsed.ok) throw new ValidationError('request body is not valid JSON', [{ path: 'body', message: 'not valid JSON' }]);
  if (!Array.isArray(parsed.value)) throw new ValidationError('invalid body', [{ path: 'body', message: 'must be an array of accounts (or NDJSON, one account per line)' }]);
  if (parsed.value.length > maxItems) throw tooMany(maxItems);
  // a key twice or a lone surrogate inside item n is item n's error; anywhere else, the request's
  const byItem = new Map<number, FieldIssue[]>();
  for (const issue of jsonTextIssues(text, 'body')) {
    const match = /^body\.(\d+)(.*)$/.exec(issue.path);
    if (!match) throw new ValidationError('invalid body', [issue]);
    const index = Number(match[1]);
    byItem.set(index, [...(byItem.get(index) ?? []), { path: `item${match[2] ?? ''}`, message: issue.message }]);
  }
  return parsed.value.map((value: unknown, index) => {
    const unreadable = byItem.get(index);
    return unreadable ? { index, unreadable } : { index, value };
  });
}
