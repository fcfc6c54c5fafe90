import { catalogEntries } from './catalog';
import { classifyResponse, type Classification } from './classify';

// A code a provider's catalog entry lists must be found wherever that provider puts it (a
// top-level array like Salesforce's, `errorCode`, `ECODE`, `errors[0].code`, integer codes ...):
// a documented "slow down" read as a plain failure is never retried, and a documented dead
// token read as a plain failure is never released.
const vocabularies = new Map(catalogEntries().map((e) => [e.slug, e.vocabulary]));
const vocabularyOf = (slug: string) => vocabularies.get(slug) ?? {};

const kindOf = (c: Classification): string => (c.kind === 'transient' ? c.errorCode : c.kind);

describe("a provider's documented answers read as what its catalog says", () => {
  test('Salesforce REQUEST_LIMIT_EXCEEDED in its array body is rate limited, at 403 and 429', () => {
    const body = [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];
    for (const status of [403, 429]) expect(kindOf(classifyResponse({ status, body }, { auth: 'client', vocabulary: vocabularyOf('salesforce') }))).toBe('rate_limited');
  });

  test('a code another provider documents means nothing without that provider', () => {
    const body = [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];
    expect(kindOf(classifyResponse({ status: 403, body }, { auth: 'client', vocabulary: vocabularyOf('google') }))).toBe('failed');
  });

  // the shapes providers put their codes in (RFC 6749, Slack, Dropbox, Stripe/OpenAI/Anthropic,
  // Notion/Twilio, HubSpot, Salesforce, ClickUp, Postmark, Intercom/Strava, GraphQL)
  const SHAPES: Array<[string, (code: string) => unknown]> = [
    ['error', (c) => ({ error: c })],
    ['error[.tag]', (c) => ({ error: { '.tag': c } })],
    ['error.type', (c) => ({ error: { type: c, message: 'x' } })],
    ['error.code', (c) => ({ error: { code: c, type: 'invalid_request_error' } })],
    ['code', (c) => ({ code: c, message: 'x' })],
    ['numeric code', () => ({ code: 20003, message: 'x' })],
    ['status', (c) => ({ status: c, message: 'x' })],
    ['array of errorCode', (c) => [{ message: 'x', errorCode: c }]],
    ['ECODE', (c) => ({ err: 'x', ECODE: c })],
    ['numeric ErrorCode', () => ({ ErrorCode: 20003, Message: 'x' })],
    ['errors[0].code', (c) => ({ type: 'error.list', errors: [{ code: c, message: 'x' }] })],
    ['errors[0].extensions.code', (c) => ({ errors: [{ message: 'x', extensions: { code: c } }] })],
  ];
  test.each(SHAPES)('a code the vocabulary lists is found in %s', (_shape, body) => {
    const code = body('SLOW_DOWN_NOW') as unknown;
    const listed = JSON.stringify(code).includes('20003') ? '20003' : 'SLOW_DOWN_NOW';
    expect(kindOf(classifyResponse({ status: 400, body: code }, { auth: 'client', vocabulary: { rateLimited: [listed] } }))).toBe('rate_limited');
    expect(kindOf(classifyResponse({ status: 400, body: code }, { auth: 'client', vocabulary: { deadToken: [listed] } }))).toBe('already_revoked');
    // and without the vocabulary it proves nothing
    expect(kindOf(classifyResponse({ status: 400, body: code }, { auth: 'client', vocabulary: {} }))).toBe('failed');
  });
});
