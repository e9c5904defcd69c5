/**
 * How variables are written to files. Every format reads back to exactly the original values
 * (quotes, `$`, backticks, backslashes, newlines, CR, unicode, any length).
 *
 * - shell:  `export NAME='value'` with each `'` written as `'\''` (POSIX single quotes: nothing inside is special,
 *           newlines included). For `source`/`.` in sh, bash, zsh, and for CircleCI's $BASH_ENV.
 * - dotenv: `NAME="value"`, one line per variable; inside the double quotes `\` is written `\\`, `"` as `\"`,
 *           newline as `\n` and carriage return as `\r`; every other character (including `'`, `$`, backticks, tabs and
 *           unicode) is written as is. Decoding those four escapes left to right gives the value back exactly.
 *           python-dotenv reads it back exactly with interpolate=False (it expands `${VAR}` otherwise, in any quotes),
 *           except a value that ends in a backslash; Node's parseEnv and npm dotenv expand `\n` but keep `\\` and `\"`.
 * - json:   one JSON object `{"NAME": "value", …}` (jq -r .NAME file).
 */
export const FORMATS = ['dotenv', 'shell', 'json'] as const
export type Format = (typeof FORMATS)[number]

export type Variables = ReadonlyArray<readonly [name: string, value: string]>

export function formatVariables(format: Format, vars: Variables): string {
  switch (format) {
    case 'shell':
      return vars.map(([n, v]) => `export ${n}=${shellQuote(v)}\n`).join('')
    case 'dotenv':
      return vars.map(([n, v]) => `${n}=${dotenvQuote(v)}\n`).join('')
    case 'json':
      return JSON.stringify(Object.fromEntries(vars), null, 2) + '\n'
  }
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export function dotenvQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`
}

/** The inverse of dotenvQuote (the documented grammar), for readers that want it exactly. */
export function dotenvUnquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\([\\"nr])/g, (_m, c: string) => ({ n: '\n', r: '\r' })[c] ?? c)
}

/** The format a file name suggests: .json → json, .env → dotenv, anything else → shell. */
export function formatForPath(path: string): Format {
  if (/\.json$/i.test(path)) return 'json'
  if (/(^|[/\\.])env$/i.test(path) || /\.env\./i.test(path)) return 'dotenv'
  return 'shell'
}
