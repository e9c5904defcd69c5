/**
 * Nasty secret values: everything that has broken a log masker, an env-file writer or a shell quoter somewhere.
 * Each value is distinct and none is a substring of the action's own log text, so a leak check cannot pass or
 * fail by accident.
 */

/** A deterministic 64 KB value (xorshift over a base64-ish alphabet, a newline every 1000 characters). */
function bigValue(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=%$"\'\\'
  let x = 0x2545f491
  let out = ''
  for (let i = 1; out.length < 64 * 1024; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out += i % 1000 === 0 ? '\n' : alphabet[(x >>> 0) % alphabet.length]
  }
  return out
}

export const CORPUS: readonly string[] = [
  // multi-line, CR, CRLF
  'first-line-aq1\nsecond-line-aq2\nthird-line-aq3',
  'crlf-line-bw1\r\ncrlf-line-bw2\r\n',
  'lone\rcarriage-return-cz9',
  'ends-with-cr-dk4\r',
  '\nleading-newline-ev5',
  'trailing-newline-fx6\n',
  'blank\n\n\nlines-between-gy7',
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIB\n-----END PRIVATE KEY-----\n',
  // JSON and JSON-looking strings
  '{"user":"admin-hz8","password":"hunter2-jq0"}',
  '[ "arr-item-kr1", {"nested": "deep-ls2\\nescaped"} ]',
  '{not json but-looks-mt3',
  '"quoted-json-string-nu4"',
  // percent and command escaping
  '100%-pct-ov5 %25 %0A %0D %3A',
  '%0A%0D%25-already-escaped-pw6',
  // workflow-command lookalikes
  '::set-output name=injected::qx7-evil',
  '::add-mask::ry8-mask-lookalike',
  '::stop-commands::sz9-stoptoken',
  'inner\n::set-env name=INJECTED::ta1-value\n::error::tb2-fake-error',
  '::warning file=a.js,line=1::tc3-warn',
  '##[set-output name=legacy;]ud4-legacy',
  '::endgroup::ve5-endgroup',
  // GitHub's env-file delimiter and file-command syntax
  'ghadelimiter_00000000-0000-0000-0000-000000000000',
  'before-wf6\nghadelimiter_11111111-2222-3333-4444-555555555555\nINJECTED=xg7-after',
  'EOF\nINJECTED_TWO=yh8-value\nEOF',
  'NAME<<DELIM-zi9',
  'INJECTED_THREE=aj1-line',
  // shell metacharacters and substitutions
  '$(touch /tmp/pwned-bk2)',
  '`id`-backtick-cl3',
  '${HOME}-dm4 $PATH $$ $? $!',
  'a;b|c&d>e<f-en5 && rm -rf / || true',
  '*?[glob]-fo6 ~root {a,b}',
  'back\\slash\\\\double-gp7\\',
  'tab\there-hq8\tend',
  // quotes of every kind
  "it's-single-ir9",
  'say "double"-js1',
  '\'"\'"mixed-kt2"\'',
  '‘curly’ “quotes”-lu3',
  '«guillemets»-mv4 „low“',
  // unicode
  'пароль-секрет-nw5',
  '密码秘密-ox6',
  '🔑🚀-emoji-py7-👩‍👩‍👧',
  'RTL-\u202Eqz8-override',
  'zero\u200Bwidth-ra9\uFEFF',
  'e\u0301-combining-sb1',
  // sizes and spaces
  bigValue(),
  'x',
  '  leading-and-trailing-tc2  ',
  '\t tab-space-ud3 \t',
  ' ',
  '=',
]

/** Values shorter than this (after trimming) are not searched for in logs: they occur in any text. */
export const MIN_LEAK_LENGTH = 6

/** A non-string value: the action exports it as compact JSON text. */
export const OBJECT_VALUE = { user: 'obj-user-ve4', token: 'obj-token-wf5\nsecond-line-xg6', list: ['obj-item-yh7', 1, true, null] }
