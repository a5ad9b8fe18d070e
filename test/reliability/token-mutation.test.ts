/**
 * Mutation check of the reliability suite: with client tokens made random (the SDK's default behaviour, which
 * client-token.ts exists to avoid), the lost-answer loop of lost-answers.test.ts must break its properties. If this
 * test fails, the suite no longer notices what deterministic tokens protect against.
 */
import { randomUUID } from 'node:crypto';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import { generatedDocs, lostAnswerLoop, lostAnswerViolations, seedAccount } from './helpers';

// The mutant: every call of clientToken is a new token, so a retry is a second, different request.
jest.mock('../../src/aws/client-token', () => ({
  clientToken: (): string => `mw-${randomUUID()}`.slice(0, 36),
}));

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

it('random client tokens turn the lost-answer properties red', async () => {
  const docs = generatedDocs(40, 101, 'mut');
  await seedAccount(emulator, docs);
  const f = await lostAnswerLoop(emulator, docs, { rate: 0.3, maxRuns: 3, seed: 901 });
  const violations = lostAnswerViolations(f, docs.length);
  console.log(`token mutation: ${violations.join('; ')}`);
  expect(violations.length).toBeGreaterThan(0);
}, 60_000);
