/**
 * Names for testbed resources. Every global name (network namespaces, temp dirs)
 * is `ofh-<pid>-<random>` so parallel test files and repeated runs never collide and
 * leftovers of a dead process can be recognised. Interface names live only inside
 * private namespaces, so they just have to be valid Linux names (max 15 chars).
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';

export const NAME_PREFIX = 'ofh';

/** `ofh-<pid>-<4 hex>`, unique per call. */
export function uniqueName(): string {
  return `${NAME_PREFIX}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

/** Owner pid encoded in a harness name, or undefined when `name` is not ours. */
export function ownerPid(name: string): number | undefined {
  const m = new RegExp(`^${NAME_PREFIX}-(\\d+)-[0-9a-f]{4}(?:$|-)`).exec(name);
  return m ? Number(m[1]) : undefined;
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** Throw unless `name` is usable as a Linux interface name (IFNAMSIZ - 1 = 15 chars). */
export function checkIfName(name: string, what: string): void {
  if (!IFNAME.test(name) || name === '.' || name === '..') {
    throw new Error(
      `${what} "${name}" is not a valid interface name (1-15 chars of [A-Za-z0-9_.-])`,
    );
  }
}

/**
 * Directory for harness temp dirs: os.tmpdir() unless it is so long that unix socket
 * paths under it (<dir>/ofh-.../br0.mgmt) would exceed the 107-byte sun_path limit.
 */
export function tempBase(): string {
  const dir = tmpdir();
  return dir.length <= 48 ? dir : '/tmp';
}
