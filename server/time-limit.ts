/**
 * Waits for `work` at most `ms`. When it settles first, its value (or its error) is the answer;
 * when the time runs out first, `onLate()` is: its return value, or what it throws. The timer
 * is cleared either way, and `work` is left to finish on its own (a late failure of it is not
 * reported as unhandled: the race has already taken its rejection).
 */
export async function withinMs<T, L = T>(work: Promise<T>, ms: number, onLate: () => L): Promise<T | L> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<L>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onLate());
      } catch (err) {
        reject(err);
      }
    }, Math.max(0, ms));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
