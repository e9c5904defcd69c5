/** The built-in auth methods by name ("token" needs no login); anything else logs in with authPayload. */
import { approle } from './approle.js'
import { aws } from './aws.js'
import { cert } from './cert.js'
import { customMethod } from './custom.js'
import { github } from './github.js'
import { jwt } from './jwt.js'
import { kubernetes } from './kubernetes.js'
import type { LoginMethod } from './types.js'
import { userpass } from './userpass.js'

const METHODS: Readonly<Record<string, LoginMethod>> = { approle, github, jwt, oidc: jwt, kubernetes, ldap: userpass, userpass, cert, aws }

export const BUILTIN_METHODS: readonly string[] = ['token', ...Object.keys(METHODS)]

const CUSTOM = customMethod(BUILTIN_METHODS)

export function loginMethod(name: string): LoginMethod {
  return METHODS[name] ?? CUSTOM
}

export type { LoginContext, LoginMethod, LoginRequest, Refusal } from './types.js'
