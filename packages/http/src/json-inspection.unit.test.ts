import { jsonTextIssues } from './json-inspection';

test('valid JSON with distinct keys, escapes and nesting has no issues', () => {
  const text = JSON.stringify({ a: 'x"}{,[', b: [{ a: 1 }, { a: 2 }], 'c\\"': { d: { a: '\u00e9🔑' } }, e: null });
  expect(JSON.parse(text)).toBeTruthy();
  expect(jsonTextIssues(text)).toEqual([]);
});

test('a key given twice in one object is named by its path, at any depth, however it is escaped', () => {
  expect(jsonTextIssues('{"name":"a","name":"b"}')).toEqual([{ path: 'body.name', message: 'given more than once' }]);
  expect(jsonTextIssues('{"name":"a","n\\u0061me":"b"}')).toEqual([{ path: 'body.name', message: 'given more than once' }]);
  expect(jsonTextIssues('{"x":[1,{"a":1,"b":{"c":1,"c":2}}]}')).toEqual([{ path: 'body.x.1.b.c', message: 'given more than once' }]);
  expect(jsonTextIssues('[{"a":1},{"a":1}]')).toEqual([]);
});

test('an escaped lone surrogate in a value or a key is named', () => {
  expect(jsonTextIssues('{"a":{"b":["ok","x\\ud800"]}}')).toEqual([{ path: 'body.a.b.1', message: 'must be well-formed Unicode (it escapes a lone surrogate)' }]);
  expect(jsonTextIssues('{"a":{"\\udfff":1}}')).toEqual([{ path: 'body.a', message: 'a key is not well-formed Unicode (it escapes a lone surrogate)' }]);
  expect(jsonTextIssues('"\\udc00"')).toEqual([{ path: 'body', message: 'must be well-formed Unicode (it escapes a lone surrogate)' }]);
  // a pair is one character
  expect(jsonTextIssues('{"a":"\\ud83d\\udd11"}')).toEqual([]);
});

test('a lone surrogate held raw (not escaped) in a string or key is named too', () => {
  expect(jsonTextIssues('{"a":"x\ud800"}')).toEqual([{ path: 'body.a', message: 'must be well-formed Unicode (it escapes a lone surrogate)' }]);
  expect(jsonTextIssues('{"\udfff":1}')).toEqual([{ path: 'body', message: 'a key is not well-formed Unicode (it escapes a lone surrogate)' }]);
});

test('text that is not JSON is left to the parser', () => {
  expect(jsonTextIssues('{"a":"raw\ncontrol","a":1}')).toEqual([]);
  expect(jsonTextIssues('{"a":"unterminated')).toEqual([]);
  expect(jsonTextIssues('{"a":"\\x"}')).toEqual([]);
});

test('nesting deeper than any stack still returns', () => {
  const depth = 200_000;
  expect(jsonTextIssues(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toEqual([]);
  expect(jsonTextIssues(`${'{"a":'.repeat(depth)}{"k":1,"k":2}${'}'.repeat(depth)}`)[0]?.message).toBe('given more than once');
});
