/**
 * The `pki` input: `<mount>/issue/<role> <JSON parameters>` entries separated by `;` (vault-action's syntax).
 * Each issues a certificate (never retried: issuing is not idempotent); outputs <role>_cert, _key, _ca, _ca_chain.
 */
import { InputError, VaultOidcError } from '../lib/errors.js'
import { normalizeName } from '../lib/names.js'

export interface PkiRequest {
  readonly path: string
  readonly parameters: Record<string, unknown>
  /** Normalised last path segment: the name stem of the outputs. */
  readonly stem: string
}

export interface PkiResult {
  readonly outputName: string
  readonly envName: string
  readonly value: string
}

export function parsePkiSpec(text: string, input = 'pki'): PkiRequest[] {
  const entries = text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  return entries.map((entry, i) => {
    const sp = entry.search(/\s/)
    const path = sp < 0 ? '' : entry.slice(0, sp)
    const raw = sp < 0 ? '' : entry.slice(sp + 1).trim()
    if (path === '' || raw === '')
      throw new InputError(
        input,
        `entry ${i + 1}: expected "<mount>/issue/<role> {JSON parameters}", e.g. pki/issue/web {"common_name":"app.example.com","ttl":"1h"}`,
      )
    let parameters: unknown
    try {
      parameters = JSON.parse(raw)
    } catch (err) {
      throw new InputError(input, `entry ${i + 1} ("${path}"): the parameters are not valid JSON: ${(err as Error).message}`)
    }
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
      throw new InputError(input, `entry ${i + 1} ("${path}"): the parameters must be a JSON object`)
    const stem = normalizeName(path.split('/').pop() ?? '', false)
    return { path, parameters: parameters as Record<string, unknown>, stem }
  })
}

const SUFFIXES = ['cert', 'key', 'ca', 'ca_chain'] as const

/** The names of the four values one request exports, known before it is issued. */
export function pkiNames(req: PkiRequest): Array<{ outputName: string; envName: string }> {
  return SUFFIXES.map((suffix) => ({
    outputName: normalizeName(`${req.stem}_${suffix}`, false),
    envName: normalizeName(`${req.stem}_${suffix}`, true),
  }))
}

/** The four values of one issued certificate, named like vault-action names them. */
export function pkiResults(req: PkiRequest, data: unknown): PkiResult[] {
  const d = (data ?? {}) as { certificate?: unknown; private_key?: unknown; issuing_ca?: unknown; ca_chain?: unknown }
  const chain = Array.isArray(d.ca_chain) ? d.ca_chain.map(String).join('\n') : undefined
  const parts: Array<[string, unknown]> = [
    ['cert', d.certificate],
    ['key', d.private_key],
    ['ca', d.issuing_ca],
    ['ca_chain', chain],
  ]
  const names = pkiNames(req)
  return parts.map(([suffix, value], i) => {
    if (typeof value !== 'string')
      throw new VaultOidcError(
        `pki "${req.path}": the response has no ${suffix === 'cert' ? 'certificate' : suffix === 'key' ? 'private_key' : suffix === 'ca' ? 'issuing_ca' : 'ca_chain'}`,
      )
    return { ...(names[i] as { outputName: string; envName: string }), value }
  })
}
