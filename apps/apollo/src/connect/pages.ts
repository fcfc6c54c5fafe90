import { createHash } from 'node:crypto';

/**
 * The hosted connect pages: server-rendered, no script, no third-party asset, one inline style
 * allowed by its hash. Everything interpolated is escaped; provider text is never shown.
 */
const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
main { max-width: 26rem; width: calc(100% - 2rem); padding: 2rem; border: 1px solid GrayText; border-radius: 12px; }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
p { line-height: 1.5; }
code { font-size: .95em; word-break: break-all; }
label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
input { width: 100%; box-sizing: border-box; padding: .6rem; font: inherit; border: 1px solid GrayText; border-radius: 6px; }
button { margin-top: 1.25rem; padding: .6rem 1.2rem; font: inherit; border-radius: 6px; border: 0; background: #2457d6; color: #fff; cursor: pointer; }
.error { color: #c62828; }
.ok { color: #2e7d32; }
small { color: GrayText; }
`.trim();

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/** No script at all; forms post only to apollo (and, after a form, the one redirect target). */
export function pageCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    "img-src 'none'",
    "script-src 'none'",
    `form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** What went wrong, in words for the end user, and the code their platform's support will ask for. */
export function errorPage(code: string, message: string): string {
  return layout('Connection failed', `<h1 class="error">This link cannot be used</h1>
<p>${escapeHtml(message)}</p>
<p><small>Error code: <code>${escapeHtml(code)}</code>. Ask the app that sent you here for a new link.</small></p>`);
}

export function apiKeyFormPage(input: { toolkit: string; action: string; csrfToken: string }): string {
  return layout(`Connect ${input.toolkit}`, `<h1>Connect ${escapeHtml(input.toolkit)}</h1>
<p>Paste your ${escapeHtml(input.toolkit)} API key. It is stored encrypted and never shown again.</p>
<form method="post"${input.action ? ` action="${escapeHtml(input.action)}"` : ''}>
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">
<label for="api_key">API key</label>
<input id="api_key" name="api_key" type="password" autocomplete="off" required maxlength="4096">
<button type="submit">Connect</button>
</form>`);
}

/** The dev stack's landing page: where the demo project's connect links send the end user back. */
export function donePage(input: { status: string | undefined; connectedAccountId: string | undefined; error: string | undefined }): string {
  if (input.status === 'success' && input.connectedAccountId) {
    return layout('Connected', `<h1 class="ok">Connected</h1>
<p>Your account is connected. Connection id:</p>
<p><code>${escapeHtml(input.connectedAccountId)}</code></p>
<p><small>The app can now use it through apollo (GET /api/v1/connected_accounts/{id}/token).</small></p>`);
  }
  return layout('Not connected', `<h1 class="error">Not connected</h1>
<p>The connection was not made.</p>
<p><small>Error code: <code>${escapeHtml(input.error ?? 'unknown')}</code></small></p>`);
}
