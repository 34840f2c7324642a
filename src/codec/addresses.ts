/**
 * Text forms of the address values the codec decodes (a MAC is a 48-bit number, an IPv4
 * address an unsigned 32-bit one): one definition for the text syntax, the engine's
 * trace, the apps' logs and the tests.
 */

/** `02:00:00:00:00:01`. */
export function formatMac(mac: number): string {
  return mac
    .toString(16)
    .padStart(12, '0')
    .replace(/(..)(?!$)/g, '$1:');
}

/** `10.0.0.1`. */
export function formatIpv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}
