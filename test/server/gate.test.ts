import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gate } from '../../packages/server/src/util/gate.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('a gate runs at most its concurrency at once, queues up to its limit, and refuses beyond', async () => {
  const gate = new Gate(2, 1);
  let running = 0;
  let peak = 0;
  const blockers = [deferred(), deferred(), deferred()];
  const task = (blocker: { promise: Promise<void> }) => async () => {
    running++;
    peak = Math.max(peak, running);
    await blocker.promise;
    running--;
    return 'done';
  };
  const first = gate.run(task(blockers[0]!));
  const second = gate.run(task(blockers[1]!));
  const queued = gate.run(task(blockers[2]!));
  const refused = gate.run(async () => 'never');
  assert.ok(first && second && queued);
  assert.equal(refused, undefined);
  await new Promise((r) => setImmediate(r));
  assert.equal(running, 2);
  blockers[0]!.resolve();
  assert.equal(await first, 'done');
  await new Promise((r) => setImmediate(r));
  assert.equal(running, 2, 'the queued task starts when a slot frees');
  blockers[1]!.resolve();
  blockers[2]!.resolve();
  assert.deepEqual(await Promise.all([second, queued]), ['done', 'done']);
  assert.equal(peak, 2);
  assert.ok(gate.run(async () => 'again'), 'accepts work again once drained');
});

test('a failing task frees its slot', async () => {
  const gate = new Gate(1, 0);
  await assert.rejects(gate.run(async () => { throw new Error('boom'); })!, /boom/);
  assert.equal(await gate.run(async () => 42), 42);
});
