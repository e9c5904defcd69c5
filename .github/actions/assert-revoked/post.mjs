/* global fetch */ // Node >= 18
// Fails when a token issued for the role (the JWT login's metadata "role") is still alive on the dev server.
const input = (name) => process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''
const url = input('url').replace(/\/$/, '')
const headers = { 'X-Vault-Token': input('root-token') }
const role = input('role')

async function vault(method, path) {
  const res = await fetch(`${url}/v1/${path}`, { method, headers })
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`)
  return res.json()
}

const { data } = await vault('LIST', 'auth/token/accessors')
const alive = []
for (const accessor of data.keys) {
  const res = await fetch(`${url}/v1/auth/token/lookup-accessor`, { method: 'POST', headers, body: JSON.stringify({ accessor }) })
  if (!res.ok) continue // revoked between the list and the lookup
  const token = (await res.json()).data
  if (token.meta?.role === role) alive.push(`${accessor} (created ${new Date(token.creation_time * 1000).toISOString()})`)
}
if (alive.length > 0) {
  process.stdout.write(`::error::${alive.length} token(s) of role "${role}" are still alive after the job's steps: ${alive.join(', ')}\n`)
  process.exitCode = 1
} else {
  process.stdout.write(`no token of role "${role}" is alive: every one was revoked\n`)
}
