import { describe, expect, test } from 'vitest';
import { server } from 'vitest/browser';
import { VerifyError } from '../../widget/verify/errors.ts';
import { readKeySet } from '../../widget/verify/jwks.ts';
import { verifySignature } from '../../widget/verify/signature.ts';

/** Project Wycheproof's JWS vectors, kept in the repository with their licence. */
const FILE = 'tests/vectors/wycheproof/json_web_signature_test.json';

interface Vector {
  tcId: number;
  comment: string;
  jws: unknown;
  result: 'valid' | 'invalid';
}
interface Group {
  comment: string;
  public?: Record<string, unknown>;
  private?: Record<string, unknown>;
  tests: Vector[];
}

const groups = (JSON.parse(await server.commands.readFile(FILE)) as { testGroups: Group[] }).testGroups;
const OURS = ['es256', 'SpecialCaseEs256'];

async function outcome(jws: unknown, key: Record<string, unknown> | undefined): Promise<string> {
  try {
    await verifySignature(String(jws), await readKeySet({ keys: key ? [key] : [] }));
    return 'valid';
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    expect(error.state).toBe('invalid');
    return 'invalid';
  }
}

describe('Wycheproof JWS vectors through the signature layer', () => {
  test('the file holds both of our groups', () => {
    expect(groups.map((g) => g.comment)).toEqual(expect.arrayContaining(OURS));
  });

  for (const group of groups.filter((g) => OURS.includes(g.comment))) {
    test.each(group.tests.map((t) => [t.tcId, t.comment, t] as const))(`${group.comment} #%i %s follows its result`, async (_id, _comment, vector) => {
      expect(await outcome(vector.jws, group.public)).toBe(vector.result);
    });
  }

  for (const group of groups.filter((g) => !OURS.includes(g.comment))) {
    test(`${group.comment}: every one of ${group.tests.length} vectors is rejected, whatever its result`, async () => {
      for (const vector of group.tests) {
        // Offer the group's own key (its private half too, for HMAC groups): still never accepted.
        expect(await outcome(vector.jws, group.public ?? group.private), `tcId ${vector.tcId}`).toBe('invalid');
      }
    });
  }
});
