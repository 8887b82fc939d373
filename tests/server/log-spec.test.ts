import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatCheckpoint, parseCheckpoint } from '../../server/log/checkpoint.ts';
import { ed25519Cosigner } from '../../server/log/cosignature.ts';
import { ed25519Signer, formatNote, parseVkey, verifyNote } from '../../server/log/note.ts';
import {
  allNodes,
  consistencyRanges,
  EMPTY_ROOT,
  inclusionRanges,
  leafHash,
  nodesOf,
  rangeHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../server/log/proof.ts';
import { entryBundle, parseTilePath, readEntryBundle, tileIndexPath, tilePath, tilesAt } from '../../server/log/tiles.ts';

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');
const hd = (s: string) => Buffer.from(s, 'hex');

// The leaf inputs and hashes of RFC 6962's reference tests (transparency-dev/merkle testonly).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hd);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const nodes = allNodes(LEAVES.map(leafHash));
const proofOf = (ranges: ReturnType<typeof inclusionRanges>, tree: Map<string, Hash>) => ranges.map(([a, b]) => rangeHash(a, b, tree));

describe('the Merkle tree (RFC 6962 §2.1)', () => {
  test('roots of every prefix of the reference leaves', () => {
    ROOTS.forEach((root, size) => expect(hex(size === 0 ? EMPTY_ROOT : rangeHash(0, size, nodes))).toBe(root));
  });

  test.each([
    [0, 1, []],
    [0, 2, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7']],
    [1, 2, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d']],
    [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
    [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
    [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
    [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  ])('inclusion proof of %i in %i', (index, size, expected) => {
    const proof = proofOf(inclusionRanges(index, size), nodes);
    expect(proof.map(hex)).toEqual(expected);
    expect(verifyInclusion(index, size, leafHash(LEAVES[index]!), proof, hd(ROOTS[size]!))).toBe(true);
  });

  test.each([
    [1, 1, []],
    [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
    [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
    [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  ])('consistency proof from %i to %i', (oldSize, size, expected) => {
    const proof = proofOf(consistencyRanges(oldSize, size), nodes);
    expect(proof.map(hex)).toEqual(expected);
    expect(verifyConsistency(oldSize, size, hd(ROOTS[oldSize]!), hd(ROOTS[size]!), proof)).toBe(true);
  });

  const tree = (n: number) => allNodes(Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`))));

  test('every inclusion proof in every tree up to 300 entries verifies, and fails for another leaf, index or path', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (size, pick) => {
        const t = tree(size);
        const index = pick % size;
        const root = rangeHash(0, size, t);
        const leaf = leafHash(Buffer.from(`entry ${index}`));
        const proof = proofOf(inclusionRanges(index, size), t);
        expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);
        expect(verifyInclusion(index, size, leafHash(Buffer.from('forged')), proof, root)).toBe(false);
        if (size > 1) expect(verifyInclusion((index + 1) % size, size, leaf, proof, root)).toBe(false);
        if (proof.length > 0) {
          const forged = proof.map((h, i) => (i === pick % proof.length ? leafHash(h) : h));
          expect(verifyInclusion(index, size, leaf, forged, root)).toBe(false);
          expect(verifyInclusion(index, size, leaf, proof.slice(1), root)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('every consistency proof between prefixes verifies, and fails against another root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (size, pick) => {
        const t = tree(size);
        const oldSize = 1 + (pick % size);
        const proof = proofOf(consistencyRanges(oldSize, size), t);
        const oldRoot = rangeHash(0, oldSize, t);
        const root = rangeHash(0, size, t);
        expect(verifyConsistency(oldSize, size, oldRoot, root, proof)).toBe(true);
        expect(verifyConsistency(oldSize, size, leafHash(oldRoot), root, proof)).toBe(false);
        if (oldSize < size) {
          expect(verifyConsistency(oldSize, size, oldRoot, leafHash(root), proof)).toBe(false);
          const rewritten = allNodes(Array.from({ length: size }, (_, i) => leafHash(Buffer.from(i === oldSize - 1 ? 'rewritten' : `entry ${i}`))));
          expect(verifyConsistency(oldSize, size, oldRoot, rangeHash(0, size, rewritten), proofOf(consistencyRanges(oldSize, size), rewritten))).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a proof needs few nodes: at most twice the tree height', () => {
    for (const size of [100_000, 1_000_000]) {
      expect(nodesOf(inclusionRanges(size - 2, size)).length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size)));
    }
  });
});

describe('signed notes (c2sp.org/signed-note)', () => {
  test("the spec's example note verifies under its verifier key", () => {
    const verifier = parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    const note = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    expect(verifyNote(note, [verifier]).text).toBe('This is an example message.\n');
    expect(() => verifyNote(note.replace('example message', 'exampel message'), [verifier])).toThrow(expect.objectContaining({ code: 'note_signature_invalid' }));
  });

  test('a note signed by another key of the same name is not verified', () => {
    const origin = 'issuer.example/log';
    const mine = ed25519Signer(origin, generateKeyPairSync('ed25519').privateKey);
    const other = ed25519Signer(origin, generateKeyPairSync('ed25519').privateKey);
    const text = formatCheckpoint({ origin, size: 3, root: EMPTY_ROOT });
    expect(() => verifyNote(formatNote(text, [other.signatureLine(text)]), [parseVkey(mine.vkey)])).toThrow(expect.objectContaining({ code: 'note_unverified' }));
    expect(verifyNote(formatNote(text, [other.signatureLine(text), mine.signatureLine(text)]), [parseVkey(mine.vkey)]).verifiedBy).toHaveLength(1);
  });

  test('notes with control characters, no blank line or broken signature lines are refused', () => {
    for (const bad of ['text\n— a AAAAAAA=\n', 'te\txt\n\n— a AAAAAAA=\n', 'text\n\n— a !!\n', 'text\n\n— a+b AAAAAAA=\n']) {
      expect(() => verifyNote(bad, [])).toThrow(expect.objectContaining({ code: 'note_malformed' }));
    }
  });

  test('vkeys whose key ID does not match their key are refused', () => {
    expect(() => parseVkey('example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toThrow(expect.objectContaining({ code: 'vkey_invalid' }));
  });
});

describe('checkpoints and cosignatures', () => {
  test("the spec's example checkpoint text reads back", () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint.size).toBe(20852163);
    expect(formatCheckpoint(checkpoint)).toBe(text);
    for (const bad of ['o\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 'o\n1\nAAAA\n', 'o\n1\n', '\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n']) {
      expect(() => parseCheckpoint(bad)).toThrow(expect.objectContaining({ code: 'checkpoint_malformed' }));
    }
  });

  test('a cosignature verifies under the witness vkey (type 4) and binds the checkpoint text', () => {
    const witness = ed25519Cosigner('witness.example/w1', generateKeyPairSync('ed25519').privateKey);
    const text = formatCheckpoint({ origin: 'issuer.example/log', size: 8, root: hd(ROOTS[8]!) });
    const line = witness.cosign(text, new Date('2026-01-01T00:00:00Z'));
    const verifier = parseVkey(witness.vkey);
    expect(verifier.type).toBe(4);
    expect(verifyNote(formatNote(text, [line]), [verifier]).verifiedBy).toEqual([verifier]);
    const other = formatCheckpoint({ origin: 'issuer.example/log', size: 7, root: hd(ROOTS[7]!) });
    expect(() => verifyNote(formatNote(other, [line]), [verifier])).toThrow(expect.objectContaining({ code: 'note_signature_invalid' }));
  });
});

describe('tiles (c2sp.org/tlog-tiles)', () => {
  test("the spec's examples", () => {
    expect(tileIndexPath(1234067)).toBe('x001/x234/067');
    expect(tileIndexPath(5)).toBe('005');
    expect(tilePath({ level: 1, index: 1234067, width: 17 })).toBe('tile/1/x001/x234/067.p/17');
    expect(parseTilePath('entries/x001/x234/067')).toEqual({ level: 'entries', index: 1234067, width: 256 });
    // A tree of 70,000 entries: 273 full level-0 tiles and a partial one of 112, one full level-1 tile and a partial of 17, a partial level-2 tile of 1.
    expect([0, 1, 2].map((level) => tilesAt(level, 70_000))).toEqual([{ full: 273, partial: 112 }, { full: 1, partial: 17 }, { full: 0, partial: 1 }]);
    expect(tilesAt(1, 256)).toEqual({ full: 0, partial: 1 });
  });

  test('tile addresses round-trip for any index and width, and other spellings are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 256 }), fc.integer({ min: 0, max: 63 }), (index, width, level) => {
        expect(parseTilePath(tilePath({ level, index, width }).slice(5))).toEqual({ level, index, width });
      }),
    );
    for (const bad of ['0/x000/005', '0/5', '0/005.p/0', '0/005.p/256', '64/000', '01/000', '0/000.p/012', 'other/000']) expect(parseTilePath(bad)).toBeUndefined();
  });

  test('entry bundles are uint16 length-prefixed', () => {
    const entries = [Buffer.from('a'), Buffer.alloc(0), Buffer.from('{"v":1}')];
    const bundle = entryBundle(entries);
    expect(bundle.subarray(0, 3)).toEqual(Buffer.from([0, 1, 0x61]));
    expect(readEntryBundle(bundle)).toEqual(entries);
  });
});
