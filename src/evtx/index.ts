/** EVTX (MS-EVEN6): the container, BinXML with templates, substitution values. Pure codecs, no I/O. */
export { ChunkContext, decodeBinXml, type XmlAttr, type XmlElement, type XmlNode } from './binxml.js';
export { crc32 } from './crc32.js';
export {
  CHUNK_SIZE,
  type ChunkResult,
  chunkOrder,
  decodeChunk,
  decodeChunkHeader,
  decodeEvtx,
  decodeFileHeader,
  type EvtxChunkHeader,
  type EvtxFileHeader,
  type EvtxProblem,
  type EvtxRecord,
  FILE_HEADER_SIZE,
  isEvtx,
  lostRecords,
  planChunks,
} from './file.js';
export { fileTimeDate, fileTimeText, guidText, VALUE_TYPES, type ValueRef, valueText } from './values.js';
export { escapeXmlAttr, escapeXmlText, renderXml } from './xml.js';
