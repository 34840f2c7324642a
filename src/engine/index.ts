/**
 * The flow-table engine: an OpenFlow 1.3 switch in a box. Depends on src/codec only.
 *
 * The model a controller keeps per datapath:
 *
 *   const model = new SwitchModel({ nTables: 4, ports: [1, 2, 3], clock: () => now });
 *   model.onFlowRemoved((e) => ...);          // DELETE, timeouts, group/meter deletion
 *   model.applyFlowMod(fm);                   // -> OfpError | undefined (the switch's answer)
 *   model.applyGroupMod(gm); model.applyMeterMod(mm); model.applyPortMod(pm);
 *   model.expire();                           // idle/hard timeouts at clock() -> events
 *   const r = model.process(frameBytes, inPort);  // -> PipelineResult
 *   r.visits    // per table: the entry matched (or undefined: miss, dropped)
 *   r.outputs   // per copy leaving: port, via (FLOOD/ALL/IN_PORT), queue, bytes, fields
 *   r.packetIns // what would reach the controller (reason, table, cookie, data)
 *   model.packetOut(po);                      // -> Result<PipelineResult>
 *   model.flowStats(filter) / aggregate(filter) / tableStats() / groupStats() / ...
 *     // the codec's FlowStats / aggregate / TableStats shapes
 *   compareFlows(model.flowStats().value, realFlowStats)  // mismatches both ways
 *   formatTrace(r, { formatter })             // ovs-appctl ofproto/trace-like text
 *
 * Building blocks, usable alone: Classifier (tuple space search over flow keys, with
 * its LinearClassifier oracle), the flow key layout (flow-key.ts: toFlowMatch,
 * keyFields; MatchKey, a reusable match-to-key conversion), packets (parsePacket,
 * buildPacket, Packet with set_field/push/pop edits), FlowTable, GroupTable, MeterTable,
 * ActionSet, PortSet.
 *
 * Cost: the model is meant to be fed every FLOW_MOD a controller sends. A learning
 * switch's ADD, re-ADD or DELETE_STRICT takes under a microsecond and an entry
 * about 200 bytes besides the match and instructions it keeps by reference
 * (`npm run bench engine-model`).
 *
 * Semantics follow OpenFlow 1.3.5; where the spec leaves a choice the engine documents
 * it (equal-priority ties: first inserted wins) and, where Open vSwitch differs,
 * offers its behaviour as an option (floodToLocal, bucketsAsSets: false,
 * missRunsActionSet).
 */
export * from './action-check.js';
export * from './action-facts.js';
export * from './action-ops.js';
export * from './action-set.js';
export * from './classifier.js';
export * from './classifier-linear.js';
export * from './compare.js';
export * from './execute.js';
export * from './flow-entry.js';
export * from './flow-key.js';
export * from './flow-mod.js';
export * from './flow-table.js';
export * from './groups.js';
export * from './instruction-check.js';
export * from './instruction-ops.js';
export * from './meters.js';
export * from './packet.js';
export * from './packet-build.js';
export * from './packet-parse.js';
export * from './packet-set-field.js';
export * from './packet-tags.js';
export * from './pipeline.js';
export * from './ports.js';
export * from './slot-add.js';
export * from './stats.js';
export * from './switch-model.js';
export * from './trace.js';
export * from './trace-format.js';
export * from './trace-values.js';
