/**
 * The load generator: N emulated switches against one controller, run as cbench does.
 * It connects the switches (a few at a time, so the listener's backlog never
 * overflows), waits until each has finished its handshake and taught the controller
 * its destination MAC, then either runs timed loops (the first `warmup` of them are
 * reported but flagged) or, in learn mode, sends every source MAC once per switch and
 * reports when all have been answered. With `hold` it pauses after the handshake
 * until told to proceed, so that the caller can sample the controller's memory.
 * Events go to `emit`; the worker wrapper posts them to the parent process.
 */
import { LatencySamples, type LatencySummary } from './stats.js';
import { EmulatedSwitch, type LoadContext, type Mode } from './switch.js';
import { PacketCycle } from './wire.js';

export interface GeneratorConfig {
  readonly host: string;
  readonly port: number;
  readonly switches: number;
  readonly macs: number;
  readonly mode: Mode;
  /** Unanswered packet-ins per switch in throughput mode. */
  readonly window: number;
  readonly loops: number;
  readonly msPerLoop: number;
  readonly warmup: number;
  /** Datapath IDs are dpidBase + 1 .. dpidBase + switches. */
  readonly dpidBase: number;
  readonly readyTimeoutMs: number;
  readonly stallMs: number;
  readonly connectConcurrency: number;
  readonly hold: boolean;
  readonly learnOnly: boolean;
}

export interface LoopResult {
  readonly index: number;
  readonly warmup: boolean;
  readonly flowMods: number;
  readonly packetOuts: number;
  readonly seconds: number;
}

export interface GeneratorSummary {
  readonly readySwitches: number;
  readonly loops: readonly LoopResult[];
  readonly sent: number;
  readonly stalls: number;
  readonly latency: LatencySummary | undefined;
  /** Distinct problems reported by switches, with how many switches had each. */
  readonly problems: readonly string[];
}

export type GeneratorEvent =
  | {
      readonly kind: 'ready';
      readonly ready: number;
      readonly total: number;
      readonly seconds: number;
    }
  | { readonly kind: 'loop'; readonly loop: LoopResult }
  | {
      readonly kind: 'learned';
      readonly packets: number;
      readonly flowMods: number;
      readonly seconds: number;
    }
  | { readonly kind: 'done'; readonly summary: GeneratorSummary };

export type GeneratorCommand = 'proceed' | 'stop';

const TICK_MS = 100;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export class Generator {
  private readonly switches: EmulatedSwitch[] = [];
  private readonly ctx: LoadContext;
  private commandWaiter: ((c: GeneratorCommand) => void) | undefined;
  private pendingCommand: GeneratorCommand | undefined;
  private settledWaiter: (() => void) | undefined;
  private nextToConnect = 0;
  /** Switches dialled but not yet ready (or closed). */
  private readonly dialing = new Set<EmulatedSwitch>();

  constructor(
    private readonly cfg: GeneratorConfig,
    private readonly emit: (e: GeneratorEvent) => void,
  ) {
    const window = cfg.mode === 'latency' ? 1 : cfg.window;
    this.ctx = {
      cycle: new PacketCycle(cfg.macs, window),
      mode: cfg.mode,
      window,
      stallMs: cfg.stallMs,
      latency: new LatencySamples(),
      recording: false,
    };
  }

  /** Delivers a command from the parent (proceed after a hold, or stop now). */
  command(c: GeneratorCommand): void {
    const w = this.commandWaiter;
    this.commandWaiter = undefined;
    if (w) w(c);
    else this.pendingCommand = c;
  }

  async run(): Promise<void> {
    const ticker = setInterval(() => {
      const now = performance.now();
      for (const sw of this.switches) sw.tick(now);
      this.checkSettled();
    }, TICK_MS);
    try {
      await this.runPhases();
    } finally {
      clearInterval(ticker);
      for (const sw of this.switches) sw.close();
    }
  }

  private async runPhases(): Promise<void> {
    const t0 = performance.now();
    for (let i = 0; i < this.cfg.switches; i++) {
      const dpid = BigInt(this.cfg.dpidBase + i + 1);
      this.switches.push(new EmulatedSwitch(i, dpid, this.ctx, (sw) => this.onSwitchState(sw)));
    }
    this.connectMore();
    await this.until(
      () => this.switches.every((s) => s.state !== 'connecting' && s.state !== 'handshaking'),
      this.cfg.readyTimeoutMs,
    );
    const ready = this.switches.filter((s) => s.state === 'ready');
    this.emit({
      kind: 'ready',
      ready: ready.length,
      total: this.cfg.switches,
      seconds: (performance.now() - t0) / 1000,
    });
    if (ready.length === 0) return this.finish([]);
    if (this.cfg.hold && (await this.nextCommand()) === 'stop') return this.finish([]);
    if (this.cfg.learnOnly) return this.learn(ready);
    return this.finish(await this.loops(ready));
  }

  /** Dials switches until `connectConcurrency` handshakes are in flight. */
  private connectMore(): void {
    const max = this.cfg.connectConcurrency;
    while (this.dialing.size < max && this.nextToConnect < this.switches.length) {
      const sw = this.switches[this.nextToConnect++]!;
      this.dialing.add(sw);
      sw.connect(this.cfg.host, this.cfg.port);
    }
  }

  private onSwitchState(sw: EmulatedSwitch): void {
    if (sw.state !== 'connecting' && sw.state !== 'handshaking' && this.dialing.delete(sw)) {
      this.connectMore();
    }
    this.checkSettled();
  }

  private async loops(ready: EmulatedSwitch[]): Promise<LoopResult[]> {
    const results: LoopResult[] = [];
    const total = this.cfg.warmup + this.cfg.loops;
    for (const sw of ready) sw.start();
    let fm = this.sum((s) => s.flowMods);
    let po = this.sum((s) => s.packetOuts);
    let t = process.hrtime.bigint();
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      this.ctx.recording = i >= this.cfg.warmup;
      await sleep(start + (i + 1) * this.cfg.msPerLoop - performance.now());
      const now = process.hrtime.bigint();
      const fm2 = this.sum((s) => s.flowMods);
      const po2 = this.sum((s) => s.packetOuts);
      const loop: LoopResult = {
        index: i,
        warmup: i < this.cfg.warmup,
        flowMods: fm2 - fm,
        packetOuts: po2 - po,
        seconds: Number(now - t) / 1e9,
      };
      results.push(loop);
      this.emit({ kind: 'loop', loop });
      fm = fm2;
      po = po2;
      t = now;
      if (this.pendingCommand === 'stop') break;
    }
    this.ctx.recording = false;
    return results;
  }

  /** Learn mode: each switch sends each source MAC once; reports when all are answered. */
  private async learn(ready: EmulatedSwitch[]): Promise<void> {
    const t0 = performance.now();
    for (const sw of ready) {
      sw.budget = this.cfg.macs;
      sw.start();
    }
    const fm0 = this.sum((s) => s.flowMods);
    await this.until(
      () => ready.every((s) => s.state !== 'running' || (s.budget === 0 && s.outstanding === 0)),
      Number.POSITIVE_INFINITY,
    );
    this.emit({
      kind: 'learned',
      packets: this.sum((s) => s.sent),
      flowMods: this.sum((s) => s.flowMods) - fm0,
      seconds: (performance.now() - t0) / 1000,
    });
    await this.nextCommand();
    this.finish([]);
  }

  private finish(loops: LoopResult[]): void {
    const problems = new Map<string, number>();
    for (const s of this.switches) {
      if (s.problem !== undefined) problems.set(s.problem, (problems.get(s.problem) ?? 0) + 1);
    }
    this.emit({
      kind: 'done',
      summary: {
        readySwitches: this.switches.filter((s) => s.state === 'ready' || s.state === 'running')
          .length,
        loops,
        sent: this.sum((s) => s.sent),
        stalls: this.sum((s) => s.stalls),
        latency: this.ctx.latency.summary(),
        problems: [...problems].map(([p, n]) => `${p} (${n} switch${n === 1 ? '' : 'es'})`),
      },
    });
  }

  private sum(f: (s: EmulatedSwitch) => number): number {
    let n = 0;
    for (const s of this.switches) n += f(s);
    return n;
  }

  private nextCommand(): Promise<GeneratorCommand> {
    const c = this.pendingCommand;
    if (c) {
      this.pendingCommand = undefined;
      return Promise.resolve(c);
    }
    return new Promise((resolve) => {
      this.commandWaiter = resolve;
    });
  }

  /** Resolves when `done()` holds (checked on every state change and tick) or after `ms`. */
  private until(done: () => boolean, ms: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        this.settledWaiter = undefined;
        resolve();
      };
      if (Number.isFinite(ms)) timer = setTimeout(finish, ms);
      this.settledWaiter = () => {
        if (done()) finish();
      };
    });
  }

  private checkSettled(): void {
    this.settledWaiter?.();
  }
}
