/**
 * `make` over every item, at most `most` at a time and, with a `weight`, while those under way weigh
 * no more than `budget` together (one always may); the results in the items' order. After a failure
 * nothing new starts; what is under way finishes, and the first failure is thrown.
 */
export async function inOrder<T, R>(
  items: readonly T[],
  at: { most: number; budget?: number; weight?: (item: T) => number },
  make: (item: T) => Promise<R>,
): Promise<R[]> {
  const budget = at.budget ?? Infinity;
  const results = new Array<R>(items.length);
  const running = new Set<Promise<void>>();
  let weighing = 0;
  let failure: { err: unknown } | undefined;
  for (let i = 0; i < items.length && !failure; i++) {
    const item = items[i]!;
    const weight = at.weight?.(item) ?? 1;
    while (!failure && running.size > 0 && (running.size >= at.most || weighing + weight > budget)) await Promise.race(running);
    if (failure) break;
    weighing += weight;
    const done: Promise<void> = make(item)
      .then(
        (result) => void (results[i] = result),
        (err: unknown) => void (failure ??= { err }),
      )
      .then(() => {
        weighing -= weight;
        running.delete(done);
      });
    running.add(done);
  }
  await Promise.all(running);
  if (failure) throw failure.err;
  return results;
}
