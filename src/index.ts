/**
 * `ofctl-ts`, the package's main entry: what an app imports. The app API (defineApp, the
 * Datapath handle and event types, request errors, flow defaults, reconcile helpers) and
 * the OpenFlow 1.3 codec: constants (OFPP, OFP_NO_BUFFER, FlowModCommand, ...), message
 * types, and encodeMessage/decodeMessage. The text syntax and the flow-table engine are
 * subpaths of their own: `ofctl-ts/text` and `ofctl-ts/engine` (`ofctl-ts/codec` is the
 * codec alone).
 */
export * from './codec/index.js';
export * from './runtime/index.js';
