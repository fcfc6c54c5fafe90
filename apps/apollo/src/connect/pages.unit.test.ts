import { apiKeyFormPage, donePage, errorPage, escapeHtml, pageCsp } from './pages';
import { redirectUriRefusal } from '../routes/dashboard/v1/projects/redirect-uris';

describe('connect pages', () => {
  test('everything interpolated is escaped', () => {
    const hostile = '"><script>alert(1)</script>';
    for (const html of [errorPage(hostile, hostile), apiKeyFormPage({ toolkit: hostile, action: hostile, csrfToken: hostile }), donePage({ status: 'success', connectedAccountId: hostile, error: undefined }), donePage({ status: 'error', connectedAccountId: undefined, error: hostile })]) {
      expect(html).not.toContain('<script>');
      expect(html).toContain(escapeHtml(hostile));
    }
  });

  test('the CSP allows no script and only the pages own style; forms post to apollo and the named targets only', () => {
    const csp = pageCsp(['https://app.example']);
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("form-action 'self' https://app.example");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('redirect URIs', () => {
  test.each([
    ['https://app.example/connected', null],
    ['http://127.0.0.1:8080/done', null],
    ['http://localhost/done', null],
    ['http://app.example/done', 'must be https (or http to 127.0.0.1, [::1] or localhost)'],
    ['https://app.example/done#frag', 'must not have a fragment'],
    ['https://user:pw@app.example/done', 'must not carry credentials'],
    ['javascript:alert(1)', 'must be https (or http to 127.0.0.1, [::1] or localhost)'],
    ['/relative', 'must be an absolute URL without spaces or control characters'],
    ['https://app.example/\u0000', 'must be an absolute URL without spaces or control characters'],
  ])('%s', (uri, refusal) => {
    expect(redirectUriRefusal(uri)).toBe(refusal);
  });
});
