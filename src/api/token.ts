/**
 * The API's bearer token: read from its file, or generated (32 random bytes, hex) into
 * it at first start with mode 0600. Requests present it as `Authorization: Bearer TOKEN`;
 * the comparison takes the same time whatever the token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ApiToken {
  readonly file: string;
  /** True when this start wrote the file. */
  readonly created: boolean;
  matches(header: string | undefined): boolean;
}

export function loadOrCreateToken(file: string): ApiToken {
  let token: string;
  let created = false;
  try {
    token = readFileSync(file, 'utf8').trim();
    if (token.length < 16) {
      throw new Error(
        `API token file ${file} holds fewer than 16 characters: put a longer token in it, or delete it to have one generated`,
      );
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    token = randomBytes(32).toString('hex');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  }
  const expected = Buffer.from(`Bearer ${token}`);
  return {
    file,
    created,
    matches(header) {
      if (header === undefined) return false;
      const got = Buffer.from(header);
      return got.length === expected.length && timingSafeEqual(got, expected);
    },
  };
}
