/**
 * Randomness for `secrets`, `uuid.uuid4` and `random`: QuickJS has no crypto source, so the host sends fresh
 * random bytes with every request and this expands them with SHA-256 in counter mode.
 */
import { sha256 } from './hashes.js';

let seed = new Uint8Array(32);
let counter = 0;
let pool: number[] = [];

export function seedSecrets(hex: string): void {
  const bytes = new Uint8Array(Math.floor(hex.length / 2));
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  seed = bytes;
  counter = 0;
  pool = [];
}

export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (pool.length === 0) {
      const block = new Uint8Array(seed.length + 4);
      block.set(seed);
      block[seed.length] = counter >>> 24;
      block[seed.length + 1] = (counter >>> 16) & 0xff;
      block[seed.length + 2] = (counter >>> 8) & 0xff;
      block[seed.length + 3] = counter & 0xff;
      counter++;
      pool = Array.from(sha256(block));
    }
    out[i] = pool.pop() as number;
  }
  return out;
}

/** A float in [0, 1) with 53 random bits. */
export function randomFloat(): number {
  const b = randomBytes(7);
  let x = 0;
  for (let i = 0; i < 7; i++) x = x * 256 + b[i];
  return (x / 2 ** 56) % 1;
}

/** An integer in [0, n). */
export function randomBelow(n: number): number {
  if (n <= 0) return 0;
  return Math.floor(randomFloat() * n);
}
