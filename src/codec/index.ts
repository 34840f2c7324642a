/** The OpenFlow 1.3 wire codec: typed messages in, bytes out, and back. */

export * from './actions.js';
export * from './addresses.js';
export * from './constants.js';
export * from './errors.js';
export * from './framer.js';
export * from './instruction-check.js';
export * from './instructions.js';
export * from './match.js';
export * from './match-check.js';
export * from './message.js';
export * from './messages/async.js';
export * from './messages/basic.js';
export * from './messages/commands.js';
export * from './messages/multipart-reply.js';
export * from './messages/multipart-request.js';
export * from './messages/packet-in-view.js';
export * from './messages/queue-config.js';
export * from './messages/structs.js';
export * from './messages/table-features.js';
export * from './oxm-fields.js';
export * from './reader.js';
export * from './templates.js';
export * from './writer.js';
