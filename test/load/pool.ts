/**
 * Runs work over items with a fixed number in flight, as CloudFormation
 * sends a stack's independent resources: each slot takes the next item when
 * its previous one is done.
 */
export async function inFlight<T, R>(items: readonly T[], slots: number, work: (item: T, slot: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const slot = async (index: number): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(slots, items.length) }, (_, index) => slot(index)));
  return results;
}
