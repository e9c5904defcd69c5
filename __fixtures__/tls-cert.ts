/** A throwaway self-signed certificate for 127.0.0.1 (openssl, from Debian's openssl package), for TLS test servers. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCert {
  /** PEM; also the CA to trust (it signs itself). */
  readonly cert: string
  readonly key: string
}

export function selfSignedCert(commonName = '127.0.0.1'): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'vault-oidc-cert-'))
  try {
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')]
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    )
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
