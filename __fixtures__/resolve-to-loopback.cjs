/**
 * Test-only preload (NODE_OPTIONS=--require): resolves the names listed in VAULT_OIDC_TEST_LOOPBACK_NAMES to
 * 127.0.0.1, as /etc/hosts does for the machine's own name on most machines (Debian's default says 127.0.1.1).
 * Lets a test reach a loopback server by a name that is not "loopback" to the proxy rules and is in its certificate.
 */
const dns = require('node:dns')

const names = new Set((process.env.VAULT_OIDC_TEST_LOOPBACK_NAMES || '').split(',').filter(Boolean))
const lookup = dns.lookup
dns.lookup = function loopbackLookup(hostname, options, callback) {
  if (!names.has(hostname)) return lookup.apply(this, arguments)
  const cb = typeof options === 'function' ? options : callback
  const all = typeof options === 'object' && options !== null && options.all
  process.nextTick(() => (all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)))
  return {}
}
