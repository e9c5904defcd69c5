/** Semaphore: $SEMAPHORE_OIDC_TOKEN in every job (on plans with OIDC); its aud is fixed. */
import { envTokenSource } from '../../token-sources/ci.js'
import type { CiPlatform } from './types.js'

export const semaphore: CiPlatform = {
  name: 'semaphore',
  title: 'Semaphore',
  detect: (env) => env.SEMAPHORE === 'true',
  tokenSource: ({ env }) =>
    envTokenSource('Semaphore OIDC token', ['SEMAPHORE_OIDC_TOKEN'], env, 'Semaphore sets it in every job on plans with OIDC.'),
  fixedAudience: 'Semaphore tokens have a fixed aud (https://<org>.semaphoreci.com): bind that in the role',
  claims: ['repo_slug', 'branch'],
}
