/**
 * The OpenFlow handshake's pure parts (OpenFlow 1.3.5 section 6.3.1): the HELLO we
 * send, version negotiation against the peer's HELLO, and the OFPT_ERROR messages the
 * runtime answers bad input with (HELLO_FAILED text, or the codec's error plus the
 * first 64 bytes of the offending message).
 */
import {
  type ErrorMsg,
  ErrorType,
  type Hello,
  helloSupports,
  OFP_VERSION,
  type OfpError,
} from '../codec/index.js';

/** OFPHFC_INCOMPATIBLE: no common version. */
export const OFPHFC_INCOMPATIBLE = 0;
/** How much of an offending message an OFPT_ERROR carries back (the spec's minimum). */
export const ERROR_DATA_BYTES = 64;

/** Our HELLO: header version 1.3 and a version bitmap with only bit 4 set. */
export function helloMessage(xid: number): Hello {
  return {
    type: 'hello',
    xid,
    version: OFP_VERSION,
    elements: [{ type: 'versionbitmap', bitmaps: [1 << OFP_VERSION] }],
  };
}

export type Negotiation =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly reason: string };

/**
 * With bitmaps on both sides the highest common bit wins; without one the lower of the
 * two header versions. We speak only 1.3, so the answer is 1.3 or nothing.
 */
export function negotiate(peer: Hello): Negotiation {
  if (helloSupports(peer, OFP_VERSION)) return { ok: true, version: OFP_VERSION };
  return {
    ok: false,
    reason: `peer supports ${peerVersions(peer)}; this controller speaks only OpenFlow 1.3 (0x04)`,
  };
}

function peerVersions(h: Hello): string {
  const bm = h.elements.find((e) => e.type === 'versionbitmap');
  if (bm?.type !== 'versionbitmap') return `versions up to 0x${hex2(h.version)}`;
  const versions: string[] = [];
  bm.bitmaps.forEach((word, i) => {
    for (let bit = 0; bit < 32; bit++) {
      if ((word >>> bit) & 1) versions.push(`0x${hex2(i * 32 + bit)}`);
    }
  });
  return versions.length > 0 ? `versions ${versions.join(', ')}` : 'no version';
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** OFPET_HELLO_FAILED / OFPHFC_INCOMPATIBLE; the data is an ASCII explanation. */
export function helloFailed(xid: number, reason: string): ErrorMsg {
  return {
    type: 'error',
    xid,
    errType: ErrorType.HELLO_FAILED,
    code: OFPHFC_INCOMPATIBLE,
    data: Buffer.from(reason, 'latin1'),
  };
}

/**
 * The OFPT_ERROR answering a message that failed to decode: the codec's (type, code),
 * the offending message's xid, and a copy of its first 64 bytes.
 */
export function errorReply(buf: Buffer, start: number, end: number, err: OfpError): ErrorMsg {
  const xid = end - start >= 8 ? buf.readUInt32BE(start + 4) : 0;
  const data = Buffer.from(buf.subarray(start, Math.min(end, start + ERROR_DATA_BYTES)));
  return {
    type: 'error',
    xid,
    errType: err.type,
    code: err.code,
    experimenter: err.experimenter,
    data,
  };
}
