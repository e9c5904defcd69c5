/**
 * The inputs needed to talk to Vault (address, namespace, headers, TLS, retries, timeouts), shared by the main
 * and post steps. Kept apart from the secrets syntax so the post bundle does not load the JSONata parser.
 */
import { actionInputName } from '../lib/input-names.js'
import type { Config, TlsConfig } from '../core/config.js'
import { InputError } from '../lib/errors.js'
import { optional, parseBool, parseDurationMs, parseHeaders, parseIntInRange, parsePem, parseServerUrl } from './parse.js'

export type InputReader = (name: string) => string

/** Everything needed to talk to Vault (shared by the main and post steps). */
export function readConnection(get: InputReader): Pick<
  Config,
  'url' | 'extraHeaders' | 'tls' | 'retries' | 'requestTimeoutMs' | 'timeoutMs' | 'concurrency' | 'inputName'
> & {
  namespace?: string
} {
  const tls: TlsConfig = {
    skipVerify: parseBool(get('tlsSkipVerify'), 'tlsSkipVerify', false),
    ...withValue('ca', parsePem(get('caCertificate'), 'caCertificate')),
    ...withValue('cert', parsePem(get('clientCertificate'), 'clientCertificate')),
    ...withValue('key', parsePem(get('clientKey'), 'clientKey')),
  }
  checkClientCertificate(tls, { cert: 'clientCertificate', key: 'clientKey' })
  return {
    url: parseServerUrl(get('url'), 'url'),
    ...withValue('namespace', optional(get('namespace'))),
    extraHeaders: parseHeaders(get('extraHeaders'), 'extraHeaders'),
    tls,
    concurrency: parseIntInRange(get('concurrency'), 'concurrency', 32, 1, 256),
    retries: parseIntInRange(get('retries'), 'retries', 3, 0, 20),
    requestTimeoutMs: parseDurationMs(get('requestTimeout'), 'requestTimeout', 30_000),
    timeoutMs: parseDurationMs(get('timeout'), 'timeout', 300_000),
    inputName: actionInputName,
  }
}

/** A client certificate needs its key and the other way round (names: the action's inputs, or the CLI's flags). */
export function checkClientCertificate(tls: TlsConfig, names: { readonly cert: string; readonly key: string }): void {
  if ((tls.cert === undefined) !== (tls.key === undefined))
    throw new InputError(tls.cert ? names.key : names.cert, 'is required together with the other half of the client certificate pair')
}

/** `{ [key]: value }` when value is defined, else `{}` (for exactOptionalPropertyTypes). */
export function withValue<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
