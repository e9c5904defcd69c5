/**
 * Starts test servers side by side. If one fails to start, the ones that did start are stopped before the error
 * is rethrown: a dev server left running would keep Jest's process alive after the run (a hang, not a failure).
 */
interface Stoppable {
  stop?: () => Promise<unknown>
  close?: () => Promise<unknown>
}

export async function startTogether<T extends readonly unknown[]>(starting: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starting as readonly Promise<unknown>[])
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await Promise.all(
      settled.map(async (s) => {
        if (s.status !== 'fulfilled') return
        const server = s.value as Stoppable
        await (server.stop ?? server.close)?.call(server).catch(() => undefined)
      }),
    )
    throw failed.reason
  }
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T
}
