/**
 * AV_PAIR lists, MS-NLMP §2.2.2.1: the TargetInfo of a CHALLENGE_MESSAGE and the AvPairs inside an NTLMv2 response.
 *
 * ```text
 * AvId (2, LE) | AvLen (2, LE) | Value (AvLen octets)     ... repeated, ended by MsvAvEOL (0, 0)
 * ```
 * Every pair keeps its raw value (re-encoding is exact); the known ones are also interpreted.
 */
import { concatBytes, fromUtf16le, utf16le } from '../../wire/encoding.js';
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';

// MS-NLMP §2.2.2.1
export const MsvAvId = {
  MsvAvEOL: 0,
  MsvAvNbComputerName: 1,
  MsvAvNbDomainName: 2,
  MsvAvDnsComputerName: 3,
  MsvAvDnsDomainName: 4,
  MsvAvDnsTreeName: 5,
  MsvAvFlags: 6,
  MsvAvTimestamp: 7,
  MsvAvSingleHost: 8,
  MsvAvTargetName: 9,
  MsvAvChannelBindings: 10,
} as const;

export type MsvAvIdName = keyof typeof MsvAvId;

// MS-NLMP §2.2.2.1 MsvAvFlags
export const MsvAvFlag = {
  /** The account authentication is constrained. */
  CONSTRAINED_AUTHENTICATION: 0x1,
  /** The client provides a MIC in the AUTHENTICATE_MESSAGE. */
  MIC_PRESENT: 0x2,
  /** The client supplied TargetName comes from an untrusted source. */
  TARGET_SPN_UNTRUSTED: 0x4,
} as const;

export type MsvAvFlagName = keyof typeof MsvAvFlag;

/** MS-NLMP §2.2.2.2 Single_Host_Data. */
export interface SingleHostData {
  size: number;
  z4: number;
  customData: Uint8Array;
  machineId: Uint8Array;
}

export interface AvPair {
  avId: number;
  name: MsvAvIdName | undefined;
  value: Uint8Array;
  /** Name pairs (1-5) and MsvAvTargetName (9): UTF-16LE text. */
  text?: string;
  /** MsvAvFlags. */
  flags?: number;
  flagNames?: MsvAvFlagName[];
  /** MsvAvTimestamp: the FILETIME and the instant it names. */
  filetime?: bigint;
  timestamp?: Date;
  singleHost?: SingleHostData;
  /** MsvAvChannelBindings: MD5 of gss_channel_bindings_struct; `none` when all zero (no channel binding). */
  channelBindings?: { hash: Uint8Array; none: boolean };
}

export interface AvPairList {
  /** Every pair in order, the terminating MsvAvEOL included when it was there. */
  pairs: AvPair[];
  /** True when an MsvAvEOL ended the list (false: the bytes ran out first). */
  eol: boolean;
  /** Octets after MsvAvEOL (NTLMv2 responses pad with four zero octets). */
  trailing: Uint8Array;
}

const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** FILETIME (100 ns ticks since 1601-01-01 UTC) to a Date (ms precision). */
export function filetimeToDate(ft: bigint): Date {
  return new Date(Number((ft - FILETIME_UNIX_EPOCH) / 10000n));
}

export function dateToFiletime(d: Date): bigint {
  return BigInt(d.getTime()) * 10000n + FILETIME_UNIX_EPOCH;
}

function interpret(p: AvPair, base: number): void {
  const v = p.value;
  switch (p.avId) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 9:
      p.text = utf16le(v);
      break;
    case 6:
      if (v.length === 4) {
        p.flags = new ByteReader(v).u32le();
        p.flagNames = (Object.keys(MsvAvFlag) as MsvAvFlagName[]).filter((k) => ((p.flags as number) & MsvAvFlag[k]) !== 0);
      }
      break;
    case 7:
      if (v.length === 8) {
        p.filetime = new ByteReader(v).u64le();
        p.timestamp = filetimeToDate(p.filetime);
      }
      break;
    case 8:
      if (v.length >= 48) {
        const r = new ByteReader(v, base);
        p.singleHost = { size: r.u32le(), z4: r.u32le(), customData: r.copy(8), machineId: r.copy(32) };
      }
      break;
    case 10:
      if (v.length === 16) p.channelBindings = { hash: v, none: v.every((b) => b === 0) };
      break;
  }
}

/** Reads AV_PAIRs until MsvAvEOL or the end of the bytes. `field` names the list in errors. */
export function decodeAvPairs(bytes: Uint8Array, opts: { base?: number; field?: string } = {}): AvPairList {
  const field = opts.field ?? 'AvPairs';
  const r = new ByteReader(bytes, opts.base ?? 0);
  const pairs: AvPair[] = [];
  let eol = false;
  while (r.remaining > 0) {
    const i = pairs.length;
    const avId = r.u16le(`${field}[${i}].AvId`);
    const len = r.u16le(`${field}[${i}].AvLen`);
    const valueOffset = r.offset;
    const value = r.copy(len, `${field}[${i}].Value`);
    r.check();
    const name = (Object.keys(MsvAvId) as MsvAvIdName[]).find((k) => MsvAvId[k] === avId);
    const p: AvPair = { avId, name, value };
    interpret(p, valueOffset);
    pairs.push(p);
    if (avId === MsvAvId.MsvAvEOL) {
      eol = true;
      break;
    }
  }
  r.check();
  return { pairs, eol, trailing: r.rest().slice() };
}

export function encodeAvPairs(list: AvPairList): Uint8Array {
  const w = new ByteWriter();
  for (const p of list.pairs) {
    if (p.value.length > 0xffff) throw new RangeError(`AV_PAIR ${p.avId} longer than 65535 octets`);
    w.u16le(p.avId).u16le(p.value.length).bytes(p.value);
  }
  return concatBytes(w.finish(), list.trailing);
}

/** Builders for AV_PAIRs (the value bytes are what gets encoded). */
export const avPair = {
  text(
    name:
      | 'MsvAvNbComputerName'
      | 'MsvAvNbDomainName'
      | 'MsvAvDnsComputerName'
      | 'MsvAvDnsDomainName'
      | 'MsvAvDnsTreeName'
      | 'MsvAvTargetName',
    s: string,
  ): AvPair {
    const p: AvPair = { avId: MsvAvId[name], name, value: fromUtf16le(s) };
    interpret(p, 0);
    return p;
  },
  flags(flags: number): AvPair {
    const p: AvPair = { avId: MsvAvId.MsvAvFlags, name: 'MsvAvFlags', value: new ByteWriter(4).u32le(flags).finish() };
    interpret(p, 0);
    return p;
  },
  timestamp(ft: bigint): AvPair {
    const p: AvPair = { avId: MsvAvId.MsvAvTimestamp, name: 'MsvAvTimestamp', value: new ByteWriter(8).u64le(ft).finish() };
    interpret(p, 0);
    return p;
  },
  channelBindings(hash: Uint8Array): AvPair {
    const p: AvPair = { avId: MsvAvId.MsvAvChannelBindings, name: 'MsvAvChannelBindings', value: hash.slice() };
    interpret(p, 0);
    return p;
  },
  eol(): AvPair {
    return { avId: 0, name: 'MsvAvEOL', value: new Uint8Array(0) };
  },
};

/** The first pair with this id. */
export function findAvPair(list: AvPairList | undefined, name: MsvAvIdName): AvPair | undefined {
  return list?.pairs.find((p) => p.avId === MsvAvId[name]);
}
