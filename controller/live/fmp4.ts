// Fragmented MP4 as ffmpeg writes it to a pipe (`-movflags empty_moov+default_base_moof`): an
// init segment (ftyp, moov), then fragments (moof, mdat). This cuts the byte stream into those
// pieces, tells which fragments start with a keyframe (where a new viewer can join), and reads
// from the init segment what a browser needs for Media Source Extensions (the codec string, the
// picture size). Only the boxes' headers and a few fields are read; media bytes are never copied.

export interface Box {
  type: string;
  /** The whole box, header included. */
  bytes: Buffer;
}

/** Splits a byte stream into top-level ISO BMFF boxes, whatever the chunking. */
export class BoxSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The size of the box being gathered, once its header is in: chunks are joined only then. */
  private wanted = 8;

  /** The boxes completed by this chunk, in order. Throws on a malformed box header. */
  push(chunk: Buffer): Box[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const boxes: Box[] = [];
    for (;;) {
      if (this.pendingBytes < this.wanted) break;
      if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
      const buffer = this.pending[0] as Buffer;
      let size = buffer.readUInt32BE(0);
      if (size === 1) {
        if (buffer.length < 16) break;
        size = Number(buffer.readBigUInt64BE(8));
      }
      if (size < 8) throw new Error(`malformed MP4 box header: size ${size}`);
      if (buffer.length < size) {
        this.wanted = size;
        break;
      }
      this.wanted = 8;
      boxes.push({ type: buffer.toString('latin1', 4, 8), bytes: buffer.subarray(0, size) });
      const rest = buffer.subarray(size);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
    }
    return boxes;
  }
}

/** The children of a container box's payload (`start` skips the header, and a full box's version and flags). */
export function childBoxes(bytes: Buffer, start = 8): Box[] {
  const boxes: Box[] = [];
  let offset = start;
  while (offset + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(offset);
    if (size === 1 && offset + 16 <= bytes.length) size = Number(bytes.readBigUInt64BE(offset + 8));
    else if (size === 0) size = bytes.length - offset;
    if (size < 8 || offset + size > bytes.length) break;
    boxes.push({ type: bytes.toString('latin1', offset + 4, offset + 8), bytes: bytes.subarray(offset, offset + size) });
    offset += size;
  }
  return boxes;
}

function child(bytes: Buffer | undefined, type: string, start = 8): Buffer | undefined {
  return bytes && childBoxes(bytes, start).find((box) => box.type === type)?.bytes;
}

const NON_SYNC_SAMPLE = 0x0001_0000;

/**
 * Whether a fragment (its moof) starts with a sync sample, from the first sample's flags in the
 * first track: trun's first_sample_flags, else its first per-sample flags, else tfhd's default,
 * else the movie's default (trex, given by the caller); a fragment that says nothing is taken as a
 * keyframe only if the movie's default says so.
 */
export function startsWithKeyframe(moof: Buffer, trexDefaultFlags = NON_SYNC_SAMPLE): boolean {
  const traf = child(moof, 'traf');
  const tfhd = child(traf, 'tfhd');
  const trun = child(traf, 'trun');
  if (!trun || trun.length < 16) return false;
  let defaultFlags = trexDefaultFlags;
  if (tfhd && tfhd.length >= 16) {
    const tfFlags = tfhd.readUInt32BE(8) & 0xff_ffff;
    let offset = 16; // header, version+flags, track_ID
    if (tfFlags & 0x01) offset += 8; // base_data_offset
    if (tfFlags & 0x02) offset += 4; // sample_description_index
    if (tfFlags & 0x08) offset += 4; // default_sample_duration
    if (tfFlags & 0x10) offset += 4; // default_sample_size
    if (tfFlags & 0x20 && offset + 4 <= tfhd.length) defaultFlags = tfhd.readUInt32BE(offset);
  }
  const flags = trun.readUInt32BE(8) & 0xff_ffff;
  const sampleCount = trun.readUInt32BE(12);
  if (sampleCount === 0) return false;
  let offset = 16;
  if (flags & 0x001) offset += 4; // data_offset
  if (flags & 0x004) return offset + 4 <= trun.length && (trun.readUInt32BE(offset) & NON_SYNC_SAMPLE) === 0;
  if (flags & 0x400) {
    if (flags & 0x100) offset += 4; // sample_duration
    if (flags & 0x200) offset += 4; // sample_size
    return offset + 4 <= trun.length && (trun.readUInt32BE(offset) & NON_SYNC_SAMPLE) === 0;
  }
  return (defaultFlags & NON_SYNC_SAMPLE) === 0;
}

/** The fragment's base media decode time (tfdt), in its track's timescale units. */
export function decodeTime(moof: Buffer): bigint | undefined {
  const tfdt = child(child(moof, 'traf'), 'tfdt');
  if (!tfdt || tfdt.length < 16) return undefined;
  return tfdt.readUInt8(8) === 1 && tfdt.length >= 20 ? tfdt.readBigUInt64BE(12) : BigInt(tfdt.readUInt32BE(12));
}

export interface TrackInfo {
  /** RFC 6381 codec string for MediaSource.isTypeSupported / addSourceBuffer, e.g. avc1.42c01e. */
  codec: string;
  width: number;
  height: number;
  /** The track's timescale (units per second of decode times). */
  timescale: number;
  /** trex default_sample_flags, for fragments that do not carry their own. */
  defaultSampleFlags: number;
}

const hex2 = (value: number) => value.toString(16).padStart(2, '0');

/** The first video track of an init segment (ftyp + moov); undefined when there is none. */
export function videoTrack(init: Buffer): TrackInfo | undefined {
  const moov = childBoxes(init, 0).find((box) => box.type === 'moov')?.bytes;
  if (!moov) return undefined;
  const trex = child(child(moov, 'mvex'), 'trex');
  const defaultSampleFlags = trex && trex.length >= 32 ? trex.readUInt32BE(28) : NON_SYNC_SAMPLE;
  for (const trak of childBoxes(moov).filter((box) => box.type === 'trak')) {
    const mdia = child(trak.bytes, 'mdia');
    const hdlr = child(mdia, 'hdlr');
    if (!hdlr || hdlr.toString('latin1', 16, 20) !== 'vide') continue;
    const mdhd = child(mdia, 'mdhd');
    const timescale = mdhd ? mdhd.readUInt32BE(mdhd.readUInt8(8) === 1 ? 28 : 20) : 90_000;
    const stsd = child(child(child(mdia, 'minf'), 'stbl'), 'stsd');
    // stsd: header, version+flags, entry_count, then the sample entries.
    const entry = stsd ? childBoxes(stsd, 16)[0] : undefined;
    if (!entry) continue;
    // VisualSampleEntry: 6 reserved, data_reference_index, 16 bytes pre_defined/reserved, width, height, ... then 78 bytes in, its own boxes.
    const width = entry.bytes.readUInt16BE(32);
    const height = entry.bytes.readUInt16BE(34);
    const config = childBoxes(entry.bytes, 86);
    let codec = entry.type;
    const avcC = config.find((box) => box.type === 'avcC')?.bytes;
    if ((entry.type === 'avc1' || entry.type === 'avc3') && avcC && avcC.length >= 12) {
      codec = `${entry.type}.${hex2(avcC[9] as number)}${hex2(avcC[10] as number)}${hex2(avcC[11] as number)}`;
    }
    const hvcC = config.find((box) => box.type === 'hvcC')?.bytes;
    if ((entry.type === 'hvc1' || entry.type === 'hev1') && hvcC && hvcC.length >= 21) {
      const profileByte = hvcC[9] as number;
      const space = ['', 'A', 'B', 'C'][profileByte >> 6] ?? '';
      const profile = profileByte & 0x1f;
      const compat = hvcC.readUInt32BE(10);
      let reversed = 0;
      for (let bit = 0; bit < 32; bit++) if (compat & (1 << bit)) reversed |= 1 << (31 - bit);
      const tier = profileByte & 0x20 ? 'H' : 'L';
      const level = hvcC[20] as number;
      codec = `${entry.type}.${space}${profile}.${(reversed >>> 0).toString(16)}.${tier}${level}.B0`;
    }
    return { codec, width, height, timescale, defaultSampleFlags };
  }
  return undefined;
}

export interface Fragment {
  /** moof + mdat (and any box ffmpeg put between them). */
  bytes: Buffer;
  keyframe: boolean;
  /** Base media decode time in seconds, when the fragment carries one. */
  time?: number;
}

export interface Segments {
  init(bytes: Buffer, track: TrackInfo): void;
  fragment(fragment: Fragment): void;
}

/**
 * ffmpeg's fragmented MP4 output → one init segment, then fragments. Boxes before the moov
 * (ftyp) join the init segment; boxes from one moof up to its mdat form one fragment.
 */
export class Fmp4Segmenter {
  private readonly splitter = new BoxSplitter();
  private head: Buffer[] = [];
  private track: TrackInfo | undefined;
  private fragment: Buffer[] = [];

  constructor(private readonly out: Segments) {}

  push(chunk: Buffer): void {
    for (const box of this.splitter.push(chunk)) {
      if (!this.track) {
        this.head.push(box.bytes);
        if (box.type !== 'moov') continue;
        const init = Buffer.concat(this.head);
        this.head = [];
        const track = videoTrack(init);
        if (!track) throw new Error('the stream has no video track');
        this.track = track;
        this.out.init(init, track);
        continue;
      }
      if (box.type === 'moof') this.fragment = [box.bytes];
      else if (this.fragment.length > 0) this.fragment.push(box.bytes);
      if (box.type === 'mdat' && this.fragment.length > 0) {
        const moof = this.fragment[0] as Buffer;
        const time = decodeTime(moof);
        this.out.fragment({
          bytes: this.fragment.length === 1 ? moof : Buffer.concat(this.fragment),
          keyframe: startsWithKeyframe(moof, this.track.defaultSampleFlags),
          ...(time !== undefined ? { time: Number(time) / this.track.timescale } : {}),
        });
        this.fragment = [];
      }
    }
  }
}
