/**
 * Prometheus metrics (prom-client, a registry of our own). Per-switch counters are read
 * from the connections when /metrics is scraped, so the OpenFlow path pays two integer
 * increments per message and no metric call; echo round trips come from the event bus;
 * app handler times from the app host's sampled observer; API requests from the
 * server's hooks; apps add families of their own (AppNorthbound.metrics).
 *
 * Names follow Prometheus practice: `ofctl_` prefix, base units, counters end in
 * `_total`, labels of bounded cardinality (dpid, app, event, route), and a switch's
 * series disappear with it. Node's default metrics are included where promtool accepts
 * them (see DEFAULT_METRICS_DROPPED).
 */
import client from 'prom-client';
import type { AppMetric, Controller, RuntimeView } from '../runtime/internal.js';

/**
 * Node default metrics that `promtool check metrics` flags (gauges named like counters,
 * "non-counter metrics should not have _total suffix"): dropped rather than renamed, so
 * no dashboard meets a name prom-client does not use.
 */
export const DEFAULT_METRICS_DROPPED = [
  'ofctl_nodejs_active_handles_total',
  'ofctl_nodejs_active_requests_total',
  'ofctl_nodejs_active_resources_total',
];

/** How long one rendering of /metrics is served. */
export const METRICS_MAX_AGE_MS = 1000;

const SECONDS_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

export class Metrics {
  readonly registry = new client.Registry();
  private readonly handlerSeconds: client.Histogram<'app' | 'event'>;
  private readonly apiSeconds: client.Histogram<'method' | 'route' | 'status'>;
  private readonly echoRtt: client.Histogram<'dpid'>;
  private unsubscribe: (() => void) | undefined;

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'ofctl_' });
    for (const name of DEFAULT_METRICS_DROPPED) this.registry.removeSingleMetric(name);
    this.handlerSeconds = new client.Histogram({
      name: 'ofctl_app_handler_seconds',
      help: 'Time an app event handler ran (synchronous part; one packet-in in 64 is timed)',
      labelNames: ['app', 'event'],
      buckets: SECONDS_BUCKETS,
      registers: [this.registry],
    });
    this.apiSeconds = new client.Histogram({
      name: 'ofctl_api_request_duration_seconds',
      help: 'Northbound API requests by method, route and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: SECONDS_BUCKETS,
      registers: [this.registry],
    });
    this.echoRtt = new client.Histogram({
      name: 'ofctl_echo_rtt_seconds',
      help: 'Round trip of the keepalive echo request per switch (sent after 5 s of silence)',
      labelNames: ['dpid'],
      buckets: SECONDS_BUCKETS,
      registers: [this.registry],
    });
  }

  /** For the controller's options: records one app handler's run time. */
  readonly observeHandler = (app: string, event: string, seconds: number): void => {
    this.handlerSeconds.observe({ app, event }, seconds);
  };

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.apiSeconds.observe({ method, route, status: String(status) }, seconds);
  }

  /** Registers the per-switch families and app families of a running controller. */
  attach(controller: Controller, view: RuntimeView): void {
    const reg = [this.registry];
    const perSwitch = (
      name: string,
      help: string,
      read: (c: ReturnType<RuntimeView['connection']> & object) => number,
    ) =>
      new client.Counter({
        name,
        help,
        labelNames: ['dpid'],
        registers: reg,
        collect() {
          this.reset();
          for (const c of controller.registry.values()) this.inc({ dpid: c.dpidHex }, read(c));
        },
      });
    perSwitch('ofctl_packet_ins_total', 'PACKET_INs received per switch', (c) => c.stats.packetIns);
    perSwitch('ofctl_flow_mods_total', 'FLOW_MODs sent per switch', (c) => c.sent.flowMods);
    perSwitch('ofctl_packet_outs_total', 'PACKET_OUTs sent per switch', (c) => c.sent.packetOuts);
    perSwitch(
      'ofctl_switch_errors_total',
      'OFPT_ERRORs received per switch',
      (c) => c.stats.errors,
    );
    new client.Gauge({
      name: 'ofctl_switches_connected',
      help: 'Switches that finished the OpenFlow handshake',
      registers: reg,
      collect() {
        this.set(view.switchCount);
      },
    });
    new client.Gauge({
      name: 'ofctl_modelled_flows',
      help: "Flows in the controller's model of each switch (switches with a model only)",
      labelNames: ['dpid'],
      registers: reg,
      collect() {
        this.reset();
        for (const c of controller.registry.values()) {
          const n = c.model ? modelSize(c.model) : undefined;
          if (n !== undefined) this.set({ dpid: c.dpidHex }, n);
        }
      },
    });
    for (const { northbound } of controller.northbound()) {
      for (const m of northbound.metrics ?? []) this.addAppMetric(m);
    }
    this.unsubscribe = controller.bus.subscribe((e) => {
      if (e.type === 'echo_rtt') this.echoRtt.observe({ dpid: e.dpid }, e.seconds);
      else if (e.type === 'switch_down') this.echoRtt.remove({ dpid: e.dpid });
    });
  }

  detach(): void {
    this.unsubscribe?.();
  }

  private addAppMetric(m: AppMetric): void {
    if (!m.name.startsWith('ofctl_')) {
      throw new Error(`app metric ${m.name}: names start with ofctl_ (Prometheus naming)`);
    }
    const config = {
      name: m.name,
      help: m.help,
      labelNames: [...m.labelNames],
      registers: [this.registry],
    };
    if (m.type === 'counter') {
      new client.Counter({
        ...config,
        collect() {
          this.reset();
          for (const s of m.collect()) this.inc(s.labels, s.value);
        },
      });
    } else {
      new client.Gauge({
        ...config,
        collect() {
          this.reset();
          for (const s of m.collect()) this.set(s.labels, s.value);
        },
      });
    }
  }

  /**
   * The exposition text, rendered at most once per METRICS_MAX_AGE_MS: scrapes that come
   * closer together (several Prometheus servers, a dashboard, a load test) share one
   * rendering instead of each costing the controller a full pass over every family.
   */
  text(): Promise<string> {
    const now = performance.now();
    if (this.rendered === undefined || now - this.renderedAt >= METRICS_MAX_AGE_MS) {
      this.renderedAt = now;
      this.rendered = this.registry.metrics();
      this.rendered.catch(() => {
        this.rendered = undefined;
      });
    }
    return this.rendered;
  }

  private rendered: Promise<string> | undefined;
  private renderedAt = 0;

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** A model's flow count without building its flow list when it can say (size/count). */
function modelSize(model: object): number {
  const m = model as { size?: unknown; count?: unknown; flows(): readonly unknown[] };
  if (typeof m.size === 'number') return m.size;
  if (typeof m.count === 'function') return (m.count as () => number)();
  return m.flows().length;
}
