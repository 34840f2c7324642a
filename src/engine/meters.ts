/**
 * The meter table (OpenFlow 1.3.5 section 5.7) and METER_MOD (section 7.3.4.4) with its
 * errors, and a token-bucket model of rate limiting driven by the switch model's clock:
 * each band has a bucket of `burst` (KBPS: kilobits, PKTPS: packets; without the BURST
 * flag, one second's worth of the rate) refilled at the band's rate; a packet that finds
 * some bands' buckets short triggers the exceeded band with the highest rate (drop:
 * the packet goes no further; dscp_remark and experimenter bands let it pass, counted).
 */
import {
  type MeterBand,
  type MeterConfig,
  type MeterFeatures,
  type MeterMod,
  type MeterStats,
  OFPERR,
  OFPM_ALL,
  OFPM_CONTROLLER,
  OFPM_MAX,
  OFPM_SLOWPATH,
  type OfpError,
  ofpError,
} from '../codec/index.js';

export const MeterModCommand = { ADD: 0, MODIFY: 1, DELETE: 2 } as const;
export const MeterFlags = { KBPS: 1, PKTPS: 2, BURST: 4, STATS: 8 } as const;

export class MeterEntry {
  packetCount = 0;
  byteCount = 0;
  readonly bandPackets: number[];
  readonly bandBytes: number[];
  /** Tokens per band and the clock time they were last refilled. */
  private readonly tokens: number[];
  private refilled: number;

  constructor(
    readonly meterId: number,
    readonly flags: number,
    readonly bands: readonly MeterBand[],
    readonly installedAt: number,
  ) {
    this.bandPackets = bands.map(() => 0);
    this.bandBytes = bands.map(() => 0);
    this.tokens = bands.map((b) => this.capacity(b));
    this.refilled = installedAt;
  }

  private capacity(b: MeterBand): number {
    return this.flags & MeterFlags.BURST && b.burstSize > 0 ? b.burstSize : b.rate;
  }

  /**
   * Meters one packet of `bytes` bytes at `now`: returns false when a drop band
   * applies (the packet must be dropped), true otherwise.
   */
  admit(bytes: number, now: number): boolean {
    const elapsed = Math.max(0, now - this.refilled) / 1000;
    this.refilled = Math.max(this.refilled, now);
    this.packetCount++;
    this.byteCount += bytes;
    const cost = this.flags & MeterFlags.PKTPS ? 1 : (bytes * 8) / 1000;
    let exceeded = -1;
    for (let i = 0; i < this.bands.length; i++) {
      const b = this.bands[i]!;
      this.tokens[i] = Math.min(this.capacity(b), this.tokens[i]! + b.rate * elapsed);
      if (this.tokens[i]! >= cost) this.tokens[i]! -= cost;
      else if (exceeded < 0 || b.rate > this.bands[exceeded]!.rate) exceeded = i;
    }
    if (exceeded < 0) return true;
    this.bandPackets[exceeded]!++;
    this.bandBytes[exceeded]! += bytes;
    return this.bands[exceeded]!.type !== 'drop';
  }
}

export interface MeterModOutcome {
  readonly error?: OfpError;
  /** Meters the METER_MOD deleted (flows using them are removed). */
  readonly deleted: readonly number[];
}

export class MeterTable {
  private readonly meters = new Map<number, MeterEntry>();

  constructor(private readonly maxMeters = 0xffff) {}

  get(meterId: number): MeterEntry | undefined {
    return this.meters.get(meterId);
  }

  has(meterId: number): boolean {
    return this.meters.has(meterId);
  }

  list(): MeterEntry[] {
    return [...this.meters.values()].sort((a, b) => a.meterId - b.meterId);
  }

  apply(mm: MeterMod, now: number): MeterModOutcome {
    const none: readonly number[] = [];
    const fail = (e: OfpError): MeterModOutcome => ({ error: e, deleted: none });
    if (mm.command === MeterModCommand.DELETE) {
      if (mm.meterId === OFPM_ALL) {
        const all = [...this.meters.keys()];
        this.meters.clear();
        return { deleted: all };
      }
      return { deleted: this.meters.delete(mm.meterId) ? [mm.meterId] : none };
    }
    if (mm.command !== MeterModCommand.ADD && mm.command !== MeterModCommand.MODIFY) {
      return fail(ofpError(OFPERR.OFPMMFC_BAD_COMMAND, `meter_mod command ${mm.command}`));
    }
    if (
      mm.meterId === 0 ||
      (mm.meterId > OFPM_MAX && mm.meterId !== OFPM_SLOWPATH && mm.meterId !== OFPM_CONTROLLER)
    ) {
      return fail(
        ofpError(OFPERR.OFPMMFC_INVALID_METER, `meter id 0x${mm.meterId.toString(16)} is invalid`),
      );
    }
    if (mm.meterId > OFPM_MAX)
      return fail(
        ofpError(OFPERR.OFPMMFC_INVALID_METER, 'virtual meters are not configurable here'),
      );
    const exists = this.meters.has(mm.meterId);
    if (mm.command === MeterModCommand.ADD && exists)
      return fail(ofpError(OFPERR.OFPMMFC_METER_EXISTS, `meter ${mm.meterId} exists`));
    if (mm.command === MeterModCommand.MODIFY && !exists) {
      return fail(ofpError(OFPERR.OFPMMFC_UNKNOWN_METER, `meter ${mm.meterId} does not exist`));
    }
    if (mm.command === MeterModCommand.ADD && this.meters.size >= this.maxMeters) {
      return fail(ofpError(OFPERR.OFPMMFC_OUT_OF_METERS, 'meter table is full'));
    }
    if ((mm.flags & (MeterFlags.KBPS | MeterFlags.PKTPS)) === 0) {
      return fail(ofpError(OFPERR.OFPMMFC_BAD_FLAGS, 'meter flags name neither KBPS nor PKTPS'));
    }
    for (const b of mm.bands) {
      if (b.rate === 0) return fail(ofpError(OFPERR.OFPMMFC_BAD_RATE, 'meter band rate 0'));
      if (b.burstSize !== 0 && (mm.flags & MeterFlags.BURST) === 0) {
        return fail(ofpError(OFPERR.OFPMMFC_BAD_BURST, 'burst size without the BURST flag'));
      }
      if (b.type === 'dscp_remark' && b.precLevel === 0) {
        return fail(ofpError(OFPERR.OFPMMFC_BAD_BAND_VALUE, 'dscp_remark band with prec_level 0'));
      }
    }
    this.meters.set(mm.meterId, new MeterEntry(mm.meterId, mm.flags, mm.bands, now));
    return { deleted: none };
  }

  stats(meterId: number, now: number, flowCount: (m: number) => number): MeterStats[] {
    const list =
      meterId === OFPM_ALL
        ? this.list()
        : [this.meters.get(meterId)].flatMap((m) => (m ? [m] : []));
    return list.map((m) => {
      const ms = Math.max(0, now - m.installedAt);
      const durationSec = Math.floor(ms / 1000);
      return {
        meterId: m.meterId,
        flowCount: flowCount(m.meterId),
        packetInCount: BigInt(m.packetCount),
        byteInCount: BigInt(m.byteCount),
        durationSec,
        durationNsec: Math.round((ms - durationSec * 1000) * 1e6),
        bandStats: m.bands.map((_, i) => ({
          packetBandCount: BigInt(m.bandPackets[i]!),
          byteBandCount: BigInt(m.bandBytes[i]!),
        })),
      };
    });
  }

  config(meterId: number): MeterConfig[] {
    const list =
      meterId === OFPM_ALL
        ? this.list()
        : [this.meters.get(meterId)].flatMap((m) => (m ? [m] : []));
    return list.map((m) => ({ flags: m.flags, meterId: m.meterId, bands: m.bands }));
  }

  features(): MeterFeatures {
    return {
      maxMeter: this.maxMeters,
      bandTypes: (1 << 1) | (1 << 2),
      capabilities: MeterFlags.KBPS | MeterFlags.PKTPS | MeterFlags.BURST | MeterFlags.STATS,
      maxBands: 16,
      maxColor: 0,
    };
  }
}
