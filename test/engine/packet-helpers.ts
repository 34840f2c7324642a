/**
 * Shared by the packet tests: sample addresses, an independent checksum verifier (plain
 * RFC 1071 sums over explicit pseudo-headers, no code shared with the engine), and the
 * bare Ethernet frames the app and runtime tests feed to a learning switch.
 */
export const MAC_A = 0x020000000001;
export const MAC_B = 0x0a1b2c3d4e5f;
export const V6_A = 0x20010db8000000000000000000000001n;
export const V6_B = 0xfe800000000000000202b3fffe1e8329n;

/**
 * A zero-filled 60-byte Ethernet frame from `src` to `dst` (48-bit MACs) with `ethType`,
 * 802.1Q-tagged with `vlan` (64 bytes then) when given.
 */
export function ethFrame(dst: number, src: number, ethType = 0x0800, vlan?: number): Buffer {
  const f = Buffer.alloc(vlan === undefined ? 60 : 64);
  f.writeUIntBE(dst, 0, 6);
  f.writeUIntBE(src, 6, 6);
  if (vlan === undefined) f.writeUInt16BE(ethType, 12);
  else {
    f.writeUInt16BE(0x8100, 12);
    f.writeUInt16BE(vlan, 14);
    f.writeUInt16BE(ethType, 16);
  }
  return f;
}

function sum16(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) + (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
const arr = (b: Uint8Array, from: number, to = b.length) => Array.from(b.subarray(from, to));

/** True when every checksum in an Ethernet/IPv4-or-IPv6 frame (no VLAN) is right. */
export function checksumsValid(b: Uint8Array, l3 = 14): boolean {
  const version = b[l3]! >> 4;
  if (version === 4) {
    const ihl = (b[l3]! & 15) * 4;
    if (sum16(arr(b, l3, l3 + ihl)) !== 0xffff) return false;
    const total = (b[l3 + 2]! << 8) | b[l3 + 3]!;
    const proto = b[l3 + 9]!;
    const seg = arr(b, l3 + ihl, l3 + total);
    if (proto === 1) return sum16(seg) === 0xffff;
    if (proto === 17 && seg[6] === 0 && seg[7] === 0) return true;
    if (proto === 6 || proto === 17) {
      const pseudo = [...arr(b, l3 + 12, l3 + 20), 0, proto, seg.length >> 8, seg.length & 255];
      return sum16([...pseudo, ...seg]) === 0xffff;
    }
    return true;
  }
  const plen = (b[l3 + 4]! << 8) | b[l3 + 5]!;
  const nh = b[l3 + 6]!;
  const seg = arr(b, l3 + 40, l3 + 40 + plen);
  if (nh === 6 || nh === 17 || nh === 58) {
    const pseudo = [...arr(b, l3 + 8, l3 + 40), 0, 0, plen >> 8, plen & 255, 0, 0, 0, nh];
    return sum16([...pseudo, ...seg]) === 0xffff;
  }
  return true;
}
