/** Names of the values the main step leaves for the post step (GITHUB_STATE; the token is masked). */
export const STATE_TOKEN = 'vaultToken'
export const STATE_LEASES = 'vaultLeases'
export const STATE_CHILD_TOKEN = 'vaultChildToken'
