/**
 * The inputs needed to talk to Vault (address, namespace, headers, TLS, retries, timeouts), shared by the main
 * and post steps. Kept apart from the secrets syntax so the post bundle does not load the JSONata parser.
 */
import { InputError } from '../lib/errors.js'
import { actionInputName, type InputNamer } from '../lib/input-names.js'
import { optional, parseBool, parseDurationMs, parseHeaders, parseIntInRange, parsePem, parseUrl } from './parse.js'
import type { Config, TlsConfig } from '../core/config.js'

export type InputReader = (name: string) => string

/** Everything needed to talk to Vault (shared by the main and post steps). */
export function readConnection(
  get: InputReader,
  name: InputNamer = actionInputName,
): Pick<Config, 'url' | 'extraHeaders' | 'tls' | 'retries' | 'requestTimeoutMs' | 'timeoutMs' | 'concurrency' | 'inputName'> & { namespace?: string } {
  const tls: TlsConfig = {
    skipVerify: parseBool(get('tlsSkipVerify'), name('tlsSkipVerify'), false),
    ...withValue('ca', parsePem(get('caCertificate'), name('caCertificate'))),
    ...withValue('cert', parsePem(get('clientCertificate'), name('clientCertificate'))),
    ...withValue('key', parsePem(get('clientKey'), name('clientKey'))),
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new InputError(name(tls.cert ? 'clientKey' : 'clientCertificate'), 'is required together with the other half of the client certificate pair')
  return {
    url: parseUrl(get('url'), name('url')),
    ...withValue('namespace', optional(get('namespace'))),
    extraHeaders: parseHeaders(get('extraHeaders'), name('extraHeaders')),
    tls,
    concurrency: parseIntInRange(get('concurrency'), name('concurrency'), 32, 1, 256),
    retries: parseIntInRange(get('retries'), name('retries'), 3, 0, 20),
    requestTimeoutMs: parseDurationMs(get('requestTimeout'), name('requestTimeout'), 30_000),
    timeoutMs: parseDurationMs(get('timeout'), name('timeout'), 300_000),
    inputName: name,
  }
}

/** `{ [key]: value }` when value is defined, else `{}` (for exactOptionalPropertyTypes). */
export function withValue<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
