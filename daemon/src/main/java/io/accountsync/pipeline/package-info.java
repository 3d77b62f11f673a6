/**
 * The pipeline: wires capture, normalize, correlate, merge, plan and apply for every environment,
 * with the outbox in the state store between merge and apply, and owns their lifecycles.
 */
package io.accountsync.pipeline;
