import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { passwordProblem } from './policy.js';

/**
 * Passwords are hashed with scrypt, a memory-hard function (N=2^15, r=8 → 32 MiB per hash),
 * stored as `scrypt$N$r$p$salt$hash` so parameters can be raised later without breaking old hashes.
 */
const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 128 * N * R * 2 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64url');
  const key = await scrypt(password, Buffer.from(saltB64, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 128 * Number(n) * Number(r) * 2 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A random password (16 characters of base64url, 96 bits), printed once at first start; never one the rules refuse. */
export function generatePassword(): string {
  for (;;) {
    const pw = randomBytes(12).toString('base64url');
    if (passwordProblem(pw) === null) return pw;
  }
}

/**
 * A hash of a random password nobody knows, with the same parameters as real ones: sign-in runs
 * scrypt against it for an unknown login, so that an unknown login takes as long as a wrong
 * password (no enumeration by timing). Made once per process, on first use.
 */
let dummyHashOnce: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  return (dummyHashOnce ??= hashPassword(randomBytes(16).toString('base64url')));
}
