/**
 * vnet's part of the northbound API and its intent hook. attachIntent() takes the
 * handlers createHandlers() made from the config file and, when the controller has an
 * intent store: loads the stored intent before the first switch is served (switchUp
 * waits for it), re-applies on every change in the store (from this API or another
 * writer), merges intent into every config reload (SIGHUP), and offers routes under
 * /apps/vnet:
 *
 *   GET    /state                         networks, ports per host, learned MACs
 *   GET    /networks                      networks and where each comes from
 *   PUT    /networks/:name                create or change a network
 *   DELETE /networks/:name
 *   PUT    /bindings/:id                  OVSDB mode: iface-id (or port name) -> network
 *   DELETE /bindings/:id
 *   PUT    /datapaths/:datapath/ports/:port   a port of a configured datapath
 *   DELETE /datapaths/:datapath/ports/:port
 *   GET    /intent                        the stored intent entries
 *
 * A write is validated as the config file would be (400 with the loader's message, and
 * nothing stored), stored, then applied to every connected switch before the reply,
 * which lists the flows changed per switch.
 */
import {
  type AppContext,
  type AppMetric,
  type AppRoute,
  ConfigError,
  type IntentEntry,
  type IntentStore,
  RequestError,
} from '../../src/runtime/index.js';
import {
  BindingBody,
  BindingParams,
  ChangeReply,
  IntentList,
  NetworkBody,
  NetworkList,
  NetworkParams,
  PortBody,
  PortParams,
  StateReply,
} from './api-schemas.js';
import type { VnetConfig } from './config.js';
import type { ApplySummary, VnetHandlers } from './handlers.js';
import { effectiveConfig, PREFIX } from './intent.js';

/** The handlers, with intent applied and the routes offered (in place; returned for chaining). */
export function attachIntent(h: VnetHandlers, ctx: AppContext<VnetConfig>): VnetHandlers {
  const store = ctx.intent;
  let base = ctx.config;
  const innerReload = h.reload.bind(h);
  const innerSwitchUp = h.switchUp!.bind(h);
  let applied = '';
  let lastApplied: ApplySummary[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  /** Recomputes the effective config from the store and applies it if it changed. */
  const sync = (): Promise<ApplySummary[]> => {
    const run = queue.then(async () => {
      const entries = store ? await store.list(PREFIX) : [];
      const next = effectiveConfig(base, entries);
      const fingerprint = JSON.stringify(entries) + base.source;
      // A write's own sync often finds its change applied already (the store's watch ran
      // first): it answers with what that application changed.
      if (fingerprint === applied) return lastApplied;
      applied = fingerprint;
      lastApplied = await innerReload(next);
      return lastApplied;
    });
    queue = run.catch((e) => ctx.log.error({ err: e }, 'vnet: applying the stored intent failed'));
    return run;
  };

  const loaded = store
    ? sync().then(
        () => undefined,
        () => undefined,
      )
    : Promise.resolve();
  const unwatch = store?.watch(PREFIX, () => void sync().catch(() => undefined));
  const innerStop = h.stop?.bind(h);

  Object.assign(h, {
    async switchUp(dp: Parameters<NonNullable<VnetHandlers['switchUp']>>[0]) {
      await loaded;
      return innerSwitchUp(dp);
    },
    async reload(next: VnetConfig) {
      base = next;
      if (!store) return innerReload(next);
      applied = '';
      return sync();
    },
    stop() {
      unwatch?.();
      return innerStop?.();
    },
  });
  if (store) {
    Object.assign(h, {
      northbound: { routes: routes(h, store, () => base, sync), metrics: metrics(h) },
    });
  } else {
    Object.assign(h, { northbound: { routes: readRoutes(h), metrics: metrics(h) } });
  }
  return h;
}

/** Validates the store's entries with one change, as the file's loader would. */
async function check(
  store: IntentStore,
  base: VnetConfig,
  change: (e: IntentEntry[]) => IntentEntry[],
  status = 400,
) {
  const entries = change(await store.list(PREFIX));
  try {
    effectiveConfig(base, entries);
  } catch (e) {
    if (e instanceof ConfigError) throw new RequestError(status, e.message);
    throw e;
  }
}

const without = (key: string) => (es: IntentEntry[]) => es.filter((e) => e.key !== key);
const withEntry = (key: string, value: unknown) => (es: IntentEntry[]) => [
  ...without(key)(es),
  { key, value },
];

function readRoutes(h: VnetHandlers): AppRoute[] {
  return [
    {
      method: 'GET',
      url: '/state',
      summary: 'vnet: networks, ports per host (with their networks) and learned MACs',
      response: { 200: StateReply },
      handler: () => h.state(),
    },
  ];
}

function routes(
  h: VnetHandlers,
  store: IntentStore,
  base: () => VnetConfig,
  sync: () => Promise<ApplySummary[]>,
): AppRoute[] {
  const put = async (key: string, value: unknown) => {
    await check(store, base(), withEntry(key, value));
    await store.put(key, value);
    return { key, applied: await sync() };
  };
  const del = async (key: string, what: string, inFile: boolean) => {
    if ((await store.get(key)) === undefined) {
      throw new RequestError(
        inFile ? 409 : 404,
        inFile
          ? `${what} comes from the config file (${base().source}); change it there, the API can only override it`
          : `${what} is not in the stored intent (GET /apps/vnet/intent lists it)`,
      );
    }
    await check(store, base(), without(key), 409);
    await store.delete(key);
    return { key, applied: await sync() };
  };
  return [
    ...readRoutes(h),
    {
      method: 'GET',
      url: '/networks',
      summary: 'vnet networks, from the config file or the stored intent',
      response: { 200: NetworkList },
      handler: async () => {
        const stored = new Set(
          (await store.list(`${PREFIX}networks/`)).map((e) => e.key.split('/')[2]),
        );
        return {
          networks: [...h.config.networks.values()].map((n) => ({
            name: n.name,
            vlan: n.vlan,
            tunnelKey: n.tunnelKey ?? null,
            source: stored.has(n.name) ? ('intent' as const) : ('config' as const),
          })),
        };
      },
    },
    {
      method: 'PUT',
      url: '/networks/:name',
      summary: 'Creates or changes a network (the JSON of networks.NAME in the config file)',
      params: NetworkParams,
      body: NetworkBody,
      response: { 200: ChangeReply },
      handler: (req) => put(`${PREFIX}networks/${req.params.name}`, req.body),
    },
    {
      method: 'DELETE',
      url: '/networks/:name',
      summary: 'Deletes a network created through the API (409 while a port or binding uses it)',
      params: NetworkParams,
      response: { 200: ChangeReply },
      handler: (req) =>
        del(
          `${PREFIX}networks/${req.params.name}`,
          `network "${req.params.name}"`,
          base().networks.has(req.params.name!),
        ),
    },
    {
      method: 'PUT',
      url: '/bindings/:id',
      summary: 'OVSDB mode: binds a port by its external_ids:iface-id (or name) to a network',
      params: BindingParams,
      body: BindingBody,
      response: { 200: ChangeReply },
      handler: async (req) => {
        if (!base().ovsdb) {
          throw new RequestError(
            409,
            'port bindings name OVSDB ports: give vnet an "ovsdb" section and the controller --ovsdb (or bind a datapath port with PUT /apps/vnet/datapaths/:datapath/ports/:port)',
          );
        }
        return put(`${PREFIX}bindings/${req.params.id}`, req.body);
      },
    },
    {
      method: 'DELETE',
      url: '/bindings/:id',
      summary: 'Removes a port binding made through the API',
      params: BindingParams,
      response: { 200: ChangeReply },
      handler: (req) =>
        del(
          `${PREFIX}bindings/${req.params.id}`,
          `binding "${req.params.id}"`,
          base().ovsdb?.bindings.has(req.params.id!) ?? false,
        ),
    },
    {
      method: 'PUT',
      url: '/datapaths/:datapath/ports/:port',
      summary:
        'Creates or changes a port of a datapath (the JSON of datapaths.D.ports.P in the config file)',
      params: PortParams,
      body: PortBody,
      response: { 200: ChangeReply },
      handler: (req) => put(`${PREFIX}ports/${req.params.datapath}/${req.params.port}`, req.body),
    },
    {
      method: 'DELETE',
      url: '/datapaths/:datapath/ports/:port',
      summary: 'Removes a port added through the API',
      params: PortParams,
      response: { 200: ChangeReply },
      handler: (req) => {
        const { datapath, port } = req.params as { datapath: string; port: string };
        const inFile = base().datapaths.some(
          (d) => d.name === datapath && d.ports.some((p) => p.name === port),
        );
        return del(
          `${PREFIX}ports/${datapath}/${port}`,
          `port "${port}" of datapath "${datapath}"`,
          inFile,
        );
      },
    },
    {
      method: 'GET',
      url: '/intent',
      summary: "vnet's stored intent entries (what the API wrote)",
      response: { 200: IntentList },
      handler: async () => ({ entries: await store.list(PREFIX) }),
    },
  ];
}

function metrics(h: VnetHandlers): AppMetric[] {
  return [
    {
      name: 'ofctl_vnet_networks',
      help: 'vnet networks configured (file and intent)',
      type: 'gauge',
      labelNames: [],
      collect: () => [{ labels: {}, value: h.config.networks.size }],
    },
    {
      name: 'ofctl_vnet_learned_macs',
      help: 'MACs vnet has learned, per switch',
      type: 'gauge',
      labelNames: ['dpid'],
      collect: () =>
        h.state().datapaths.map((d) => ({ labels: { dpid: d.dpid }, value: d.macs.length })),
    },
  ];
}
