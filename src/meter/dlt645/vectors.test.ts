/**
 * Frames published by others, decoded by this codec. Each checksum was verified independently
 * (sum of the bytes from the first 68H to the end of the data, mod 256).
 *
 * Sources:
 * - dwdcth/go645, dlt_test.go (comments of TestDlt): read-address request and reply, a read of forward
 *   active energy with its reply (value noted there as 11228026 → 112280.26 kWh), a read of DI 04000402.
 * - cqqqq/go645, protocol_test.go (TestDecode, TestSend): a reply of 0.06 kWh forward energy and a read request.
 * - LoverITer/energy-management-sys_communication-sub-sys,
 *   src/main/java/cn/edu/xust/communication/protocol/Dlt645Frame.java (comment in analysis(), in an
 *   earlier version of the file than the newest): an abnormal reply D1H with error word 02H, and a
 *   reply for DI 02030000 (instantaneous active power).
 * - https://hwhale.com/article/138066 ("DLT645-2007 规约 电表 报文解析", a repost of a worked-example
 *   sheet from wenku.baidu.com): reads of forward and reverse active total energy of meter
 *   000000000161 with replies of 0.26 kWh and 1.26 kWh, and a read of phase A voltage.
 *
 * No published broadcast time sync (08H) whose source could be named was found; 08H is covered by
 * round trips (codec.test.ts) and by the simulator answering it (transport.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { describeValue, DI, formatDi } from './dataIdentifiers.ts';
import { decodeFrame, encodeFrame, parseHex, toHex } from './frame.ts';
import { interpretFrame, readAddressRequest, readRequest } from './messages.ts';
import { FrameStreamParser } from './parser.ts';

const frame = (hex: string) => decodeFrame(parseHex(hex));

describe('published DL/T 645-2007 frames', () => {
  it('read communication address: request to the wildcard address, and the reply', () => {
    // dwdcth/go645 dlt_test.go
    const request = 'FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16';
    expect(interpretFrame(frame(request))).toEqual({ type: 'read-address-request', address: 'AAAAAAAAAAAA' });
    expect(toHex(encodeFrame(readAddressRequest(), { wakeUp: 4 }))).toBe(request);
    const reply = frame('68 01 00 00 00 00 00 68 93 06 34 33 33 33 33 33 9D 16');
    expect(reply.control).toEqual({ direction: 'response', abnormal: false, followUp: false, code: 0x13 });
    expect(interpretFrame(reply)).toEqual({ type: 'read-address-response', address: '000000000001' });
  });

  it('read forward active total energy, and a reply of 112280.26 kWh', () => {
    // dwdcth/go645 dlt_test.go
    const request = '68 01 00 00 00 00 00 68 11 04 33 33 34 33 B3 16';
    expect(interpretFrame(frame(request))).toEqual({
      type: 'read-request',
      address: '000000000001',
      di: DI.forwardActiveEnergy,
    });
    expect(toHex(encodeFrame(readRequest('000000000001', DI.forwardActiveEnergy)))).toBe(request);
    const reply = interpretFrame(frame('68 01 00 00 00 00 00 68 91 08 33 33 34 33 59 b3 55 44 dc 16'));
    expect(reply).toMatchObject({ type: 'read-response', di: DI.forwardActiveEnergy, followUp: false });
    expect(reply.type === 'read-response' && describeValue(reply.value!)).toBe('112280.26 kWh');
  });

  it('a reply of 0.06 kWh from meter 218231000114, and a request to 000000000161', () => {
    // cqqqq/go645 protocol_test.go
    const reply = interpretFrame(frame('681401003182216891083333343339333333f116'));
    expect(reply).toMatchObject({
      type: 'read-response',
      address: '218231000114',
      di: DI.forwardActiveEnergy,
    });
    expect(reply.type === 'read-response' && describeValue(reply.value!)).toBe('0.06 kWh');
    expect(toHex(encodeFrame(readRequest('000000000161', DI.forwardActiveEnergy)))).toBe(
      toHex(parseHex('68610100000000681104333334331416')),
    );
  });

  it('the meter number (DI 04000402) of meter 002241020208', () => {
    // dwdcth/go645 dlt_test.go
    const request = interpretFrame(frame('FE FE FE FE 68 08 02 02 41 22 00 68 11 04 35 37 33 37 2A 16'));
    expect(request).toEqual({ type: 'read-request', address: '002241020208', di: DI.meterNumber });
    const reply = interpretFrame(frame('68 08 02 02 41 22 00 68 91 0A 35 37 33 37 3B 35 35 74 55 33 51 16'));
    expect(reply.type === 'read-response' && formatDi(reply.di)).toBe('04000402');
    expect(reply.type === 'read-response' && reply.value).toEqual({
      kind: 'address',
      address: '002241020208',
    });
  });

  it('an abnormal reply: no requested data', () => {
    // LoverITer/energy-management-sys_communication-sub-sys Dlt645Frame.java
    const reply = frame('68 37 03 00 92 81 39 68 D1 01 35 5D 16');
    expect(reply.control).toEqual({ direction: 'response', abnormal: true, followUp: false, code: 0x11 });
    expect(interpretFrame(reply)).toEqual({
      type: 'error-response',
      address: '398192000337',
      function: 0x11,
      errorWord: 0x02,
      reasons: ['no-requested-data'],
    });
  });

  it('instantaneous total active power of 0 kW', () => {
    // LoverITer/energy-management-sys_communication-sub-sys Dlt645Frame.java
    const reply = interpretFrame(frame('68 37 03 00 92 81 39 68 91 07 33 33 36 35 33 33 33 58 16'));
    expect(reply).toMatchObject({ type: 'read-response', di: DI.activePower });
    expect(reply.type === 'read-response' && describeValue(reply.value!)).toBe('0.0000 kW');
  });

  it('reads of forward and reverse energy of meter 000000000161 (0.26 and 1.26 kWh), and of phase A voltage', () => {
    // https://hwhale.com/article/138066
    const forwardRead = '68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16';
    const reverseRead = '68 61 01 00 00 00 00 68 11 04 33 33 35 33 15 16';
    const voltageRead = '68 61 01 00 00 00 00 68 11 04 33 34 34 35 17 16';
    expect(toHex(encodeFrame(readRequest('000000000161', DI.forwardActiveEnergy)))).toBe(forwardRead);
    expect(toHex(encodeFrame(readRequest('000000000161', DI.reverseActiveEnergy)))).toBe(reverseRead);
    expect(toHex(encodeFrame(readRequest('000000000161', DI.voltageA)))).toBe(voltageRead);
    const forward = interpretFrame(frame('68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16'));
    expect(forward).toMatchObject({
      type: 'read-response',
      address: '000000000161',
      di: DI.forwardActiveEnergy,
    });
    expect(forward.type === 'read-response' && forward.value).toEqual({
      kind: 'decimal',
      units: 26n,
      scale: 2,
      unit: 'kWh',
    });
    const reverse = interpretFrame(frame('68 61 01 00 00 00 00 68 91 08 33 33 35 33 59 34 33 33 8C 16'));
    expect(reverse).toMatchObject({ type: 'read-response', di: DI.reverseActiveEnergy });
    expect(reverse.type === 'read-response' && describeValue(reverse.value!)).toBe('1.26 kWh');
  });

  it('the published frames, run together with wake-up bytes and noise, all come out of the stream parser', () => {
    const published = [
      'FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16',
      '68 01 00 00 00 00 00 68 93 06 34 33 33 33 33 33 9D 16',
      '68 01 00 00 00 00 00 68 91 08 33 33 34 33 59 b3 55 44 dc 16',
      '681401003182216891083333343339333333f116',
      '68 37 03 00 92 81 39 68 D1 01 35 5D 16',
      '68 37 03 00 92 81 39 68 91 07 33 33 36 35 33 33 33 58 16',
      '68 61 01 00 00 00 00 68 91 08 33 33 35 33 59 34 33 33 8C 16',
    ].map((hex) => parseHex(hex));
    // Noise between them: a stray 68H, a cut-off header, bytes that look like nothing.
    const noise = [[0x68], [0x00, 0x16], [0x68, 0x01, 0x02], [0x99, 0x68, 0x68], [0x33], [0xfe], []];
    const stream = published.flatMap((bytes, i) => [...noise[i]!, ...bytes]);
    const parser = new FrameStreamParser();
    const found = Array.from({ length: Math.ceil(stream.length / 5) }, (_, i) =>
      parser.push(Uint8Array.from(stream.slice(i * 5, i * 5 + 5))),
    )
      .flat()
      .flatMap((event) => (event.kind === 'frame' ? [toHex(event.bytes)] : []));
    expect(found).toEqual(published.map((bytes) => toHex(bytes.subarray(bytes.indexOf(0x68)))));
  });
});
