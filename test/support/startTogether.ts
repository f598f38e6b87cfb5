/** A started service: the Worker (`stop`), a browser or a local server (`close`). */
export type Service = { stop(): Promise<void> } | { close(): Promise<void> };

export const stopService = (service: Service | undefined) => (service && ('stop' in service ? service.stop() : service.close()));

/**
 * Starts services at the same time. If one fails, waits for the others to settle and stops those that
 * started before rethrowing: with a bare Promise.all the failure leaves afterAll nothing to stop them with.
 */
export async function startTogether<T extends readonly Service[]>(starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failure = settled.find((s) => s.status === 'rejected');
  if (!failure) return settled.map((s) => (s as PromiseFulfilledResult<Service>).value) as unknown as T;
  await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? stopService(s.value) : undefined)));
  throw failure.reason;
}
