/** Draws from the generators' seeded PRNG (src/core/prng.ts), shared by the Service Connect and Lattice sets. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** An integer in [min, max]. */
export function int(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
