/**
 * The controller's event bus: one typed stream of what happens (switch up and down, port
 * status, flow removed, echo round trips, changes to the orchestrator's intent, role
 * changes), fed by the controller and read by whoever wants it: the API's event stream,
 * the metrics and the web view through them. Events are plain JSON-ready objects (dpids
 * as 16 hex digits, times as epoch milliseconds), built once, never changed.
 *
 * Delivery is synchronous and in order; a subscriber that throws is logged (once per
 * subscriber per 10 s) and the others still get the event. Subscribers must be quick:
 * they run inside the controller's handling of the switch message.
 */
import type { Logger } from './log.js';
import { WarnLimiter } from './warn-limit.js';

/** A port as the API and the events show it. */
export interface PortView {
  readonly portNo: number;
  readonly name: string;
  readonly hwAddr: string;
  /** OFPPC_* bits. */
  readonly config: number;
  /** OFPPS_* bits. */
  readonly state: number;
  /** Link up and not administratively down. */
  readonly up: boolean;
  /** kbps. */
  readonly currSpeed: number;
}

export type PortStatusReason = 'add' | 'delete' | 'modify';
export type FlowRemovedReason =
  | 'idle_timeout'
  | 'hard_timeout'
  | 'delete'
  | 'group_delete'
  | 'meter_delete'
  | 'unknown';

export type ControllerEvent =
  | {
      readonly type: 'switch_up';
      readonly at: number;
      readonly dpid: string;
      readonly peer: string;
      readonly ports: readonly PortView[];
      readonly nTables: number;
    }
  | {
      readonly type: 'switch_down';
      readonly at: number;
      readonly dpid: string;
      readonly reason: string;
    }
  | {
      readonly type: 'port_status';
      readonly at: number;
      readonly dpid: string;
      readonly reason: PortStatusReason;
      readonly port: PortView;
    }
  | {
      readonly type: 'flow_removed';
      readonly at: number;
      readonly dpid: string;
      readonly reason: FlowRemovedReason;
      readonly tableId: number;
      readonly priority: number;
      readonly cookie: string;
      readonly packets: number;
      readonly bytes: number;
    }
  | {
      readonly type: 'echo_rtt';
      readonly at: number;
      readonly dpid: string;
      readonly seconds: number;
    }
  | {
      /** The orchestrator's intent changed (see intent-store.ts): a key was put or deleted. */
      readonly type: 'intent_changed';
      readonly at: number;
      readonly op: 'put' | 'delete';
      readonly key: string;
    }
  | {
      readonly type: 'role_changed';
      readonly at: number;
      readonly dpid: string;
      readonly role: string;
    };

export type ControllerEventType = ControllerEvent['type'];

export type EventListener = (e: ControllerEvent) => void;

export class EventBus {
  private listeners: EventListener[] = [];
  private readonly failures = new WarnLimiter(10_000, 1);

  constructor(private readonly log?: Logger) {}

  /** Number of subscribers (a producer may skip building an event nobody reads). */
  get size(): number {
    return this.listeners.length;
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(fn: EventListener): () => void {
    this.listeners = [...this.listeners, fn];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  emit(e: ControllerEvent): void {
    // The array is replaced, never mutated, on (un)subscribe: a subscriber that leaves
    // during delivery does not shift the others.
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) {
      try {
        ls[i]!(e);
      } catch (err) {
        const dropped = this.failures.take(`listener ${i}`);
        if (dropped !== undefined)
          this.log?.error({ err, event: e.type }, 'event subscriber failed');
      }
    }
  }
}
