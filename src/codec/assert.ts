/**
 * The default of every switch over a union: a new member that a switch forgets fails to
 * compile there (its value is not `never`), and at run time an impossible value throws.
 */
export function assertNever(x: never, what = 'value'): never {
  throw new TypeError(
    `unexpected ${what} ${JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`,
  );
}
