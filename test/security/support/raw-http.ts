import http from 'node:http';
import net from 'node:net';

export type RawRequest = {
  method: string;
  /** Sent verbatim: no normalisation of `..`, no re-encoding. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
};

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; text: string; json: unknown };

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

/**
 * One HTTP exchange through node:http rather than fetch: fetch normalises paths (`/a/../b`),
 * refuses bodies on GET and adds headers, all of which hostile-input tests must control.
 */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    // with transfer-encoding set by the caller, node streams the body in chunks instead
    if (request.body !== undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = Buffer.byteLength(request.body);
    const req = http.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = undefined;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** Closes the kept-alive sockets so jest can exit. */
export function closeRawAgent(): void {
  agent.destroy();
}

export type ErrorBody = { error: { code: string; message: string; request_id: string; fields?: Array<{ path: string; message: string }>; error_id?: string } };

/**
 * The one documented error shape: `{"error":{"code","message","request_id"}}` plus optional
 * `fields` and `error_id`, nothing else; request_id echoes the x-request-id header.
 */
export function errorShapeProblems(res: RawResponse): string[] {
  const problems: string[] = [];
  const body = res.json as Partial<ErrorBody> | undefined;
  if (!String(res.headers['content-type'] ?? '').startsWith('application/json')) problems.push(`content-type ${String(res.headers['content-type'])}`);
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [...problems, `body is not a JSON object: ${res.text.slice(0, 200)}`];
  const extraTop = Object.keys(body).filter((k) => k !== 'error');
  if (extraTop.length) problems.push(`unexpected top-level keys ${extraTop.join(',')}`);
  const error = body.error as Record<string, unknown> | undefined;
  if (!error || typeof error !== 'object') return [...problems, 'no error object'];
  for (const key of ['code', 'message', 'request_id'] as const) if (typeof error[key] !== 'string' || error[key] === '') problems.push(`error.${key} missing`);
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'request_id', 'fields', 'error_id'].includes(k));
  if (extra.length) problems.push(`unexpected error keys ${extra.join(',')}`);
  if (error['fields'] !== undefined) {
    const fields = error['fields'];
    if (!Array.isArray(fields) || fields.some((f: unknown) => typeof (f as { path?: unknown }).path !== 'string' || typeof (f as { message?: unknown }).message !== 'string')) {
      problems.push('error.fields malformed');
    }
  }
  if (error['request_id'] !== res.headers['x-request-id']) problems.push('error.request_id differs from x-request-id');
  if (/\bat .+:\d+:\d+\)?/.test(res.text)) problems.push('stack trace in body');
  return problems;
}

/**
 * Bytes straight onto a socket, for requests no HTTP client will send (malformed request lines,
 * oversized headers); the response is parsed by hand, so Node's own answers are seen as they are.
 */
export function rawSocket(baseUrl: string, bytes: string | Buffer): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: http.IncomingHttpHeaders = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const text = rest.join('\r\n\r\n');
      let json: unknown = undefined;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, text, json });
    });
  });
}
