import { type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/**
 * Answers a revocation endpoint can give that a well-behaved one never does: text that Postgres
 * refuses, bodies that never end, redirects to the metadata service, HTML, broken HTTP. With the
 * `hostile` fault set, every revoke request is answered with that shape (after its body is read).
 */
export const HOSTILE_SHAPES = [
  'nul_in_description',
  'nul_in_error_code',
  'lone_surrogate',
  'invalid_utf8',
  'control_characters',
  'secret_echo',
  'huge_body',
  'endless_body',
  'slow_body',
  'no_answer',
  'redirect',
  'redirect_permanent',
  'html_error_page',
  'html_server_error',
  'html_on_200',
  'error_on_200',
  'dead_token_on_200',
  'binary_on_200',
  'gzip_bomb',
  'close_mid_body',
  'reset',
  'informational_only',
  'unknown_status',
  'not_http',
  'header_overflow',
  'retry_after_forever',
  'deep_json',
  'json_wrong_types',
] as const;

export type HostileShape = (typeof HOSTILE_SHAPES)[number];

export function isHostileShape(value: unknown): value is HostileShape {
  return typeof value === 'string' && (HOSTILE_SHAPES as readonly string[]).includes(value);
}

/** What the request carried that a hostile provider may echo back. */
export type HostileContext = { token: string | null; authorization: string | undefined };

const HTML_PAGE = '<!doctype html><html><head><title>Error</title></head><body><h1>Something went wrong</h1><script>alert(1)</script></body></html>';
let gzipBomb: Buffer | undefined;

function json(res: ServerResponse, status: number, text: string | Buffer, headers: Record<string, string> = {}): void {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(body.length), ...headers });
  res.end(body);
}

/** Keeps writing `chunk` for as long as the client reads, and stops when it goes away. */
function endless(res: ServerResponse, chunk: Buffer): void {
  let open = true;
  res.on('close', () => {
    open = false;
  });
  const pump = (): void => {
    while (open && res.write(chunk));
    if (open) res.once('drain', pump);
  };
  pump();
}

/** Runs `tick` every `ms` until the client or the server closes the connection. */
function every(res: ServerResponse, ms: number, tick: () => boolean): void {
  const timer = setInterval(() => {
    if (res.destroyed || !tick()) clearInterval(timer);
  }, ms);
  res.on('close', () => clearInterval(timer));
}

export function answerHostile(shape: HostileShape, req: IncomingMessage, res: ServerResponse, context: HostileContext): void {
  switch (shape) {
    case 'nul_in_description':
      return json(res, 400, JSON.stringify({ error: 'invalid_request', error_description: 'bad\u0000thing' }));
    case 'nul_in_error_code':
      return json(res, 400, JSON.stringify({ error: 'invalid\u0000token', error_description: '\u0000' }));
    case 'lone_surrogate':
      // written by hand: JSON.stringify would escape it, a hostile server need not
      return json(res, 400, '{"error":"invalid_request","error_description":"half \\ud800 a pair \\udfff"}');
    case 'invalid_utf8':
      return json(res, 400, Buffer.concat([Buffer.from('{"error":"invalid_request","error_description":"bad '), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from(' bytes"}')]));
    case 'control_characters':
      return json(res, 400, JSON.stringify({ error: 'invalid_request', error_description: 'red \u001b[31mALERT\u001b[0m\u0007 line\r\nSet-Cookie: x=y\u007f \u0085\u009b bidi \u202egnp.exe\u202c zero\u200bwidth' }));
    case 'secret_echo':
      return json(res, 400, JSON.stringify({ error: context.token ?? 'invalid_request', error_description: `token ${context.token ?? ''} rejected; you sent ${context.authorization ?? ''}` }));
    case 'huge_body':
      return json(res, 400, JSON.stringify({ error: 'invalid_request', error_description: 'x'.repeat(1024 * 1024) }));
    case 'endless_body':
      res.writeHead(200, { 'content-type': 'application/json' });
      return endless(res, Buffer.from('{"padding":"' + 'a'.repeat(16 * 1024)));
    case 'slow_body': {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      return every(res, 200, () => res.write(' '));
    }
    case 'no_answer':
      // hold the socket until the client gives up
      return;
    case 'redirect':
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'content-length': '0' });
      return void res.end();
    case 'redirect_permanent':
      res.writeHead(308, { location: 'http://127.0.0.1:1/revoke', 'content-length': '0' });
      return void res.end();
    case 'html_error_page':
      res.writeHead(400, { 'content-type': 'text/html' });
      return void res.end(HTML_PAGE);
    case 'html_server_error':
      res.writeHead(503, { 'content-type': 'text/html' });
      return void res.end(HTML_PAGE);
    case 'html_on_200':
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(HTML_PAGE);
    case 'error_on_200':
      return json(res, 200, JSON.stringify({ error: 'invalid_request', error_description: 'the request was not understood' }));
    case 'dead_token_on_200':
      return json(res, 200, JSON.stringify({ error: 'invalid_token' }));
    case 'binary_on_200':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0x1b, 0x5b]));
    case 'gzip_bomb':
      gzipBomb ??= gzipSync(Buffer.alloc(10 * 1024 * 1024));
      // never asked for (no accept-encoding): a client that inflates it gets 10 MB
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(gzipBomb.length) });
      return void res.end(gzipBomb);
    case 'close_mid_body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"ok":');
      return void setTimeout(() => res.destroy(), 10);
    case 'reset':
      return void req.socket.destroy();
    case 'informational_only':
      // a 1xx is not a final answer: the client keeps waiting
      res.writeProcessing();
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      return;
    case 'unknown_status':
      return json(res, 799, JSON.stringify({ error: 'invalid_request' }));
    case 'not_http':
      return void req.socket.end('SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n');
    case 'header_overflow':
      res.writeHead(200, { 'content-type': 'application/json', 'x-padding': 'p'.repeat(100 * 1024) });
      return void res.end('{}');
    case 'retry_after_forever':
      return json(res, 429, JSON.stringify({ error: 'slow_down' }), { 'retry-after': '999999999' });
    case 'deep_json':
      return json(res, 400, `${'['.repeat(60_000)}"invalid_token"${']'.repeat(60_000)}`);
    case 'json_wrong_types':
      return json(res, 400, JSON.stringify({ error: { nested: ['invalid_token'] }, error_description: 42, message: null, code: true }));
  }
}
